"""The command-line contracts: extract's JSON lines, eval, help texts and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from warehouse.cli import EXIT_USAGE, app
from warehouse.config import SEEDS_DIR
from warehouse.contract import FACT_FIELDS, REPORT_FIELDS

runner = CliRunner()
SEED = SEEDS_DIR / "002_39ab342cec40676a.txt"


def test_extract_jsonl_has_exactly_the_contract_fields() -> None:
    result = runner.invoke(app, ["extract", str(SEED), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and all(tuple(row) == FACT_FIELDS for row in rows)
    text = SEED.read_text("utf-8")
    assert all(text[r["start"] : r["end"]] == r["evidence"] for r in rows)


def test_extract_reports_jsonl() -> None:
    result = runner.invoke(app, ["extract", "--reports", str(SEED), "--format", "jsonl"])
    (row,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert tuple(row) == REPORT_FIELDS
    assert row["jurisdiction"] == "坪山区" and row["report_year"] == 2021


def test_extract_reports_unreadable_files_and_fails(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["extract", str(empty), str(SEED), "--format", "jsonl"])
    assert result.exit_code == 1
    assert "empty.txt" in result.stderr


def test_eval_prints_f1_against_gold() -> None:
    gold = Path(__file__).parent / "gold"
    result = runner.invoke(app, ["eval", "--gold", str(gold), str(SEEDS_DIR), "--min-f1", "0.95"])
    assert result.exit_code == 0, result.output
    assert "report attribute accuracy" in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("report attribute accuracy")


@pytest.mark.parametrize(
    "command",
    ["run", "extract", "eval", "review", "sql", "docs", "report", "export", "bench", "serve"],
)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.stdout


def test_commands_on_a_missing_warehouse_exit_with_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sql", "--db", str(tmp_path / "none.duckdb"), "-q", "select 1"])
    assert result.exit_code == EXIT_USAGE
