"""Import from the command line: ``varna import`` and the import_data management command."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.core.import_samples import NODE_HEADER, make_csv
from varna.core.models import Node, Organisation, User

pytestmark = pytest.mark.usefixtures("english", "media_root")


def test_command_prints_a_summary_and_succeeds(
    org: Organisation, admin: User, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "noder.csv"
    path.write_bytes(make_csv([NODE_HEADER, ["2000", "Nämnden", "nämnd", "1000"]]))
    call_command("import_data", "nodes", str(path), "--actor", "admin")
    assert "1" in capsys.readouterr().out
    assert Node.objects.get(code="2000").history.get().history_user == admin


def test_command_prints_row_errors_and_exits_with_1(org: Organisation, root: Node, tmp_path: Path) -> None:
    path = tmp_path / "noder.csv"
    path.write_bytes(make_csv([NODE_HEADER, ["2000", "Nämnden", "nämnd", "1109"]]))
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_data", "nodes", str(path), stderr=err)
    assert raised.value.returncode == 1
    assert "Row 2: the parent unit “1109”" in err.getvalue()


def test_varna_import_exits_with_1_on_errors_and_0_on_success(
    org: Organisation, root: Node, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connections

    from varna.cli import main

    # A management command run from the command line closes the database connections when it ends;
    # here that would end the test's own transaction on PostgreSQL.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    bad, good = tmp_path / "fel.csv", tmp_path / "noder.csv"
    bad.write_bytes(b"\x00\x01\x02garbage")
    good.write_bytes(make_csv([NODE_HEADER, ["2000", "Nämnden", "nämnd", "1000"]]))
    with pytest.raises(SystemExit) as exited:
        main(["import", "nodes", str(bad)])
    assert exited.value.code == 1
    assert main(["import", "nodes", str(good), "--dry-run"]) == 0
    assert not Node.objects.filter(code="2000").exists()
    assert main(["import", "nodes", str(good), "--organisation", "testkommun"]) == 0
    assert Node.objects.filter(code="2000").exists()


def test_command_needs_the_organisation_when_there_are_several(org: Organisation, root: Node, tmp_path: Path) -> None:
    Organisation.objects.create(name="Grannby", slug="grannby")
    path = tmp_path / "noder.csv"
    path.write_bytes(make_csv([NODE_HEADER, ["2000", "Nämnden", "nämnd", "1000"]]))
    with pytest.raises(CommandError, match="--organisation"):
        call_command("import_data", "nodes", str(path))
    call_command("import_data", "nodes", str(path), "--organisation", "testkommun")
    assert Node.objects.filter(organisation=org, code="2000").exists()
