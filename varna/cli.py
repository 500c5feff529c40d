"""The ``varna`` command line: a thin front on Django's management commands."""

from __future__ import annotations

import os
import sys

COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("serve", "Serve the application with gunicorn (PORT, default 8000)."),
    "demo": ("demo", "Generate the deterministic demo municipality (and more with --organisations)."),
    "import": ("import_data", "Import nodes or people from a CSV or Excel file: varna import nodes|people FILE."),
    "token": ("api_token", "Print a new API token for a user: varna token USERNAME."),
    "worker": ("db_worker", "Run background tasks."),
    "manage": ("", "Run any Django management command: varna manage migrate."),
}


def _usage() -> str:
    lines = ["usage: varna COMMAND [options]", "", "Commands:"]
    lines += [f"  {name:<8} {text}" for name, (_cmd, text) in COMMANDS.items()]
    lines += ["", "Run 'varna COMMAND --help' for the options of a command."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(_usage())
        return 0
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"varna: unknown command {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "varna.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - load the settings now to report configuration errors plainly
    except ImproperlyConfigured as exc:
        print(f"varna: configuration error: {exc}", file=sys.stderr)
        return 2

    if name == "manage":
        execute_from_command_line(["varna", *rest])
        return 0
    import django
    from django.core.management import get_commands, load_command_class

    django.setup()
    command = COMMANDS[name][0]
    # Run the management command under its ``varna`` name, so that its help says "varna import …".
    load_command_class(get_commands()[command], command).run_from_argv(["varna", name, *rest])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
