"""The organisation tree of a demo municipality: a named skeleton plus generated units.

Exempelkommun gets the large skeleton (every nämnd, förvaltning, bolag and the
kommunalförbund); Grannby and further municipalities get a small one. Units are
then generated in proportion to the scale, grouped into areas, and the whole
tree is written in one bulk insert with materialised paths computed here.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from varna.core.models import Node, NodeKind, Organisation
from varna.demo import names
from varna.demo.context import NodeSpec, OrgContext
from varna.demo.units import AREA_SIZE, GENERATED, PROFILES

NODES_PER_SCALE = 96  # generated nodes (units and their areas) per unit of scale


def _unit(name: str, profile: str) -> NodeSpec:
    return NodeSpec(name, NodeKind.UNIT, PROFILES[profile])


def _area(prefix: str, district: str = names.CENTRE) -> NodeSpec:
    return NodeSpec(f"{prefix} {district}", NodeKind.UNIT, PROFILES["area"], area=prefix)


def _committee(name: str, code: str) -> NodeSpec:
    return NodeSpec(name, NodeKind.COMMITTEE, code=code)


def _administration(name: str, code: str, sectors: tuple[str, ...], office: str, **kwargs: object) -> NodeSpec:
    return NodeSpec(
        name,
        NodeKind.ADMINISTRATION,
        PROFILES["administration"],
        code=code,
        sectors=sectors,
        office=office,
        **kwargs,  # type: ignore[arg-type]
    )


def _company(name: str, code: str, sectors: tuple[str, ...] = (), office: str = "") -> NodeSpec:
    profile = PROFILES["company"] if sectors else None
    return NodeSpec(name, NodeKind.COMPANY, profile, code=code, sectors=sectors, office=office)


def large_skeleton() -> NodeSpec:
    """Exempelkommun: every level a Swedish municipality has, with the personas' units."""
    root = NodeSpec("Kommunfullmäktige", NodeKind.COUNCIL, code="1000")
    ks = root.add(NodeSpec("Kommunstyrelsen", NodeKind.EXECUTIVE_BOARD, code="1100"))

    klf = ks.add(
        _administration("Kommunledningsförvaltningen", "1200", ("klf",), "Stadshuset", head_title="Kommunchef")
    )
    for name in (
        "Ekonomienheten",
        "HR-enheten",
        "Kommunikationsenheten",
        "IT-enheten",
        "Kansliet",
        "Säkerhet och beredskap",
        "Kontaktcenter",
    ):
        klf.add(_unit(name, "central_office"))

    bou = ks.add(_committee("Barn- och utbildningsnämnden", "2000")).add(
        _administration("Barn- och utbildningsförvaltningen", "2100", ("bou",), "Utbildningskontoret")
    )
    preschools = bou.add(_area("Förskoleområde"))
    preschools.add(_unit("Solrosens förskola", "preschool"))
    preschools.add(_unit("Blåklockans förskola", "preschool"))
    bou.add(_area("Grundskoleområde")).add(_unit("Ekbackeskolan", "school"))
    bou.add(_unit("Exempelgymnasiet", "upper_secondary"))
    bou.add(_unit("Elevhälsan", "student_health"))
    bou.add(_unit("Vuxenutbildningen", "adult_education"))

    voo = ks.add(_committee("Vård- och omsorgsnämnden", "3000")).add(
        _administration("Vård- och omsorgsförvaltningen", "3100", ("voo",), "Omsorgskontoret")
    )
    elderly = voo.add(_area("Äldreomsorg"))
    elderly.add(_unit("Hemtjänst Centrum", "home_care"))
    elderly.add(_unit("Solgårdens vård- och omsorgsboende", "care_home"))
    disability = voo.add(_area("Funktionsstöd"))
    disability.add(_unit("Gruppbostad Ekvägen", "group_home"))
    disability.add(_unit("Daglig verksamhet Verkstan", "daily_activity"))
    voo.add(_unit("Hälso- och sjukvårdsenheten", "health_care"))

    soc = ks.add(_committee("Socialnämnden", "4000")).add(
        _administration("Socialförvaltningen", "4100", ("soc",), "Socialkontoret")
    )
    for name in ("Barn och familj", "Vuxenenheten", "Försörjningsstöd"):
        soc.add(_unit(name, "social_office"))
    soc.add(_unit("Familjecentralen Centrum", "social"))

    kof = ks.add(_committee("Kultur- och fritidsnämnden", "5000")).add(
        _administration("Kultur- och fritidsförvaltningen", "5100", ("kof",), "Kulturhuset")
    )
    kof.add(_unit("Huvudbiblioteket", "library"))
    kof.add(_unit("Fritidsgården Tegelbruket", "youth_centre"))
    kof.add(_unit("Kulturskolan", "culture"))
    kof.add(_unit("Exempelbadet", "sports"))

    sbf = ks.add(_committee("Samhällsbyggnadsnämnden", "6000")).add(
        _administration("Samhällsbyggnadsförvaltningen", "6100", ("sbf",), "Tekniska kontoret")
    )
    sbf.add(_unit("Plan och bygg", "technical_office"))
    sbf.add(_unit("Gata och park Centrum", "street_park"))
    sbf.add(_unit("Exempelstads vattenverk", "waterworks"))
    sbf.add(_unit("Centrala reningsverket", "waterworks"))
    sbf.add(_unit("Fastighetsavdelningen", "property"))
    sbf.add(_unit("Måltidsservice Centrum", "meals"))

    env = ks.add(_committee("Miljö- och hälsoskyddsnämnden", "7000")).add(
        _administration(
            "Miljö- och hälsoskyddsförvaltningen", "7100", ("miljo",), "Miljökontoret", security_officer=False
        )
    )
    for name in ("Livsmedelskontroll", "Miljötillsyn", "Hälsoskydd"):
        env.add(_unit(name, "environment"))
    ks.add(_committee("Valnämnden", "7900"))

    holding = root.add(_company("Exempelkommuns Stadshus AB", "8000"))
    housing = holding.add(_company("Exempelkommuns Bostads AB", "8100", ("housing",), "Bostadsbolagets kontor"))
    housing.add(_unit("Bostadsområde Centrum", "housing"))
    housing.add(_unit("Kundcenter", "central_office"))
    energy = holding.add(_company("Exempel Energi AB", "8200", ("energy",), "Energibolagets kontor"))
    energy.add(_unit("Kraftvärmeverket", "energy"))
    energy.add(_unit("Elnät och fjärrvärme", "energy"))

    federation = root.add(
        NodeSpec(
            "Räddningstjänstförbundet Exempel",
            NodeKind.FEDERATION,
            PROFILES["federation"],
            code="9000",
            sectors=("fire",),
            office="Räddningstjänstens kansli",
        )
    )
    federation.add(_unit("Brandstation Centrum", "fire_station"))
    federation.add(_unit("Förebyggande avdelningen", "fire_prevention"))
    return root


def small_skeleton(town: str) -> NodeSpec:
    """A smaller municipality (Grannby and further ones): fewer nämnder doing more each."""
    root = NodeSpec("Kommunfullmäktige", NodeKind.COUNCIL, code="1000")
    ks = root.add(NodeSpec("Kommunstyrelsen", NodeKind.EXECUTIVE_BOARD, code="1100"))
    klf = ks.add(
        _administration("Kommunledningsförvaltningen", "1200", ("klf",), "Kommunhuset", head_title="Kommunchef")
    )
    klf.add(_unit("Säkerhet och beredskap", "central_office"))
    klf.add(_unit("Ekonomi och personal", "central_office"))
    ks.add(_committee("Barn- och utbildningsnämnden", "2000")).add(
        _administration("Barn- och utbildningsförvaltningen", "2100", ("bou", "kof"), "Skolkontoret")
    )
    ks.add(_committee("Socialnämnden", "3000")).add(
        _administration("Socialförvaltningen", "3100", ("voo", "soc"), "Socialkontoret")
    )
    ks.add(_committee("Tekniska nämnden", "6000")).add(
        _administration("Tekniska förvaltningen", "6100", ("sbf", "miljo"), "Tekniska kontoret")
    )
    root.add(_company(f"{town}hem AB", "8100", ("housing",), "Bostadsbolagets kontor"))
    return root


# Names of Exempelkommun's named units that no other municipality may use, so that a
# name such as "Solrosens förskola" or "Hemtjänst Centrum" finds one node in tests.
_SMALL_NAMES = {spec.name for spec in small_skeleton("X").walk()}
RESERVED_NAMES = frozenset(
    spec.name
    for spec in large_skeleton().walk()
    if spec.kind == NodeKind.UNIT and not spec.area and spec.name not in _SMALL_NAMES
)


def _districts() -> Iterator[str]:
    yield names.CENTRE
    yield from names.DISTRICTS
    for n in itertools.count(2):
        for district in names.DISTRICTS:
            yield f"{district} {n}"


class _Planner:
    """Adds generated units to a skeleton until the node budget is spent."""

    def __init__(self, ctx: OrgContext, root: NodeSpec) -> None:
        self.rng = ctx.random("tree")
        self.used = {spec.name for spec in root.walk()}
        if ctx.index != 0:
            self.used |= RESERVED_NAMES
        self.admin_of: dict[str, NodeSpec] = {}
        self.areas: dict[tuple[int, str], list[NodeSpec]] = {}
        for spec in root.walk():
            for sector in spec.sectors:
                self.admin_of[sector] = spec
            if spec.area and spec.parent is not None:
                self.areas.setdefault((id(spec.parent), spec.area), []).append(spec)
        self.profiles = [p for p in GENERATED if p.sector in self.admin_of]
        self.current = [0.0] * len(self.profiles)
        self.total = sum(p.mix for p in self.profiles)
        self.name_iters = {p.key: p.names(self.rng) for p in self.profiles}

    def _next_profile(self) -> int:
        # Smooth weighted round robin: the mix holds at every size, without randomness.
        for i, p in enumerate(self.profiles):
            self.current[i] += p.mix
        best = max(range(len(self.profiles)), key=lambda i: self.current[i])
        self.current[best] -= self.total
        return best

    def _name(self, candidates: Iterator[str]) -> str:
        for name in candidates:
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("name candidates are endless")

    def plan(self, budget: int) -> None:
        created = 0
        while created < budget and self.profiles:
            profile = self.profiles[self._next_profile()]
            parent = self.admin_of[profile.sector]
            if profile.area:
                areas = self.areas.setdefault((id(parent), profile.area), [])
                if not areas or len(areas[-1].children) >= AREA_SIZE:
                    name = self._name(f"{profile.area} {d}" for d in _districts())
                    area = parent.add(NodeSpec(name, NodeKind.UNIT, PROFILES["area"], area=profile.area))
                    areas.append(area)
                    created += 1
                parent = areas[-1]
            parent.add(NodeSpec(self._name(self.name_iters[profile.key]), NodeKind.UNIT, profile))
            created += 1


def _assign_paths_and_codes(root: NodeSpec, root_position: int) -> None:
    root.depth, root.path = 1, Node._get_path(None, 1, root_position)
    blocks: dict[int, list[NodeSpec]] = {}  # descendants without a code, by the coded ancestor numbering them
    for spec in root.walk():
        for position, child in enumerate(spec.children, start=1):
            child.depth = spec.depth + 1
            child.path = Node._get_path(spec.path, child.depth, position)
        if not spec.code:
            block = spec.parent
            while block is not None and not block.code:
                block = block.parent
            if block is None:
                raise RuntimeError(f"{spec.name} has no ancestor with a code")
            blocks.setdefault(id(block), [block]).append(spec)
    for members in blocks.values():
        block, rest = members[0], members[1:]
        width = max(3, len(str(len(rest))))
        for seq, spec in enumerate(rest, start=1):
            spec.code = f"{block.code[:2]}{seq:0{width}d}"


def build(ctx: OrgContext) -> None:
    """Plan the tree, then write the organisation and its nodes."""
    root = large_skeleton() if ctx.index == 0 else small_skeleton(ctx.city)
    _Planner(ctx, root).plan(round(NODES_PER_SCALE * ctx.scale))
    _assign_paths_and_codes(root, ctx.root_position)
    specs = list(root.walk())
    if len({s.code for s in specs}) != len(specs) or len({s.name for s in specs}) != len(specs):
        raise RuntimeError("node codes and names must be unique within the organisation")

    organisation = Organisation(name=ctx.name, slug=ctx.slug, org_number=ctx.org_number)
    ctx.organisation = ctx.save(Organisation, [organisation])[0]
    nodes = [
        Node(
            organisation=ctx.organisation,
            kind=spec.kind,
            name=spec.name,
            code=spec.code,
            path=spec.path,
            depth=spec.depth,
            numchild=len(spec.children),
        )
        for spec in specs
    ]
    for spec, node in zip(specs, ctx.save(Node, nodes), strict=True):
        spec.node = node
    ctx.root, ctx.specs = root, specs
    ctx.by_name = {spec.name: spec for spec in specs}


def next_root_position() -> int:
    """The position after the last existing root, so that new trees never collide with old ones."""
    last = Node.objects.filter(depth=1).order_by("-path").values_list("path", flat=True).first()
    return 1 if last is None else Node._str2int(last) + 1
