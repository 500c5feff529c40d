import cProfile, pstats, time
import pytest
from varna.demo import generator, incidents

@pytest.mark.django_db
def test_prof():
    steps = list(generator.STEPS)
    prof = cProfile.Profile()
    def wrapped(ctx):
        if ctx.index == 0:
            t = time.perf_counter(); prof.enable(); incidents.build(ctx); prof.disable(); print("\nincidents", time.perf_counter() - t)
        else:
            incidents.build(ctx)
    generator.STEPS[-1] = ("incidents", wrapped)
    try:
        generator.generate(scale=5, seed=1)
    finally:
        generator.STEPS[:] = steps
    pstats.Stats(prof).sort_stats("tottime").print_stats(25)
