"""The `fazhi` command line: run the ETL, extract, evaluate, review, and open the warehouse."""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import track
from rich.table import Table

from warehouse import config
from warehouse.contract import Fact, Report
from warehouse.teardown import silence_teardown

# Quiet, offline-friendly defaults for the libraries the commands load. dbt's level is set
# explicitly because prefect-dbt cannot map Prefect's WARNING onto a dbt level.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("DBT_LOG_LEVEL", "warn")
# Prefect's 20 s default is too short for its ephemeral server on a busy 2-core machine.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

atexit.register(silence_teardown)  # registered first, so it runs after every other handler

app = typer.Typer(
    help="fazhi: figures from China's rule-of-law government reports, as a DuckDB warehouse.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
console = Console()
err = Console(stderr=True)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BUSY = 0, 1, 2, 3


class OutputFormat(StrEnum):
    jsonl = "jsonl"
    table = "table"


DbOption = Annotated[
    Path | None, typer.Option(help="DuckDB file (default: $FAZHI_DB or data/fazhi.duckdb).")
]
Paths = Annotated[list[Path], typer.Argument(help="Report files or directories.", exists=True)]


@app.command()
def run(
    input_dir: Annotated[
        Path, typer.Option("--input", help="Directory of raw reports.", file_okay=False)
    ] = config.SEEDS_DIR,
    db: DbOption = None,
    wait: Annotated[
        bool, typer.Option(help="Wait for a running update instead of exiting.")
    ] = False,
    docs: Annotated[bool, typer.Option(help="Generate the dbt docs site.")] = True,
    dbt_tasks: Annotated[
        bool, typer.Option(help="One Prefect task per dbt node (lineage in the UI; slower).")
    ] = True,
    batch_size: Annotated[
        int | None, typer.Option(help="Reports per extraction task (default: sized to the input).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="Start a local Dask cluster with N worker processes.")
    ] = None,
    dask: Annotated[
        str | None, typer.Option(help="Run extraction on the Dask scheduler at ADDRESS.")
    ] = None,
    full_refresh: Annotated[
        bool,
        typer.Option(
            help="Rebuild the incremental dbt models from scratch (automatic when "
            "the dbt project changed)."
        ),
    ] = False,
) -> None:
    """Run the ETL flow on a directory of reports into a DuckDB warehouse.

    Example: `fazhi run --input seeds/ --db data/fazhi.duckdb`
    """
    from flows.etl import run_etl
    from warehouse.load import WarehouseBusy, exclusive_lock

    if not input_dir.is_dir():
        err.print(f"[red]{input_dir}: not a directory[/red]")
        raise typer.Exit(EXIT_USAGE)
    try:
        if not wait:  # say "busy" before Prefect starts; the flow takes the lock for real
            with exclusive_lock(config.db_path(db)):
                pass
        with console.status(f"running fazhi-etl on {input_dir}…", spinner="dots"):
            summary = run_etl(
                input_dir=str(input_dir),
                db=str(db) if db else None,
                workers=workers,
                dask_address=dask,
                wait=wait,
                docs=docs,
                dbt_node_tasks=dbt_tasks,
                batch_size=batch_size,
                full_refresh=full_refresh,
            )
    except WarehouseBusy as exc:
        err.print(f"[yellow]{exc}[/yellow]")
        raise typer.Exit(EXIT_BUSY) from exc
    except Exception as exc:  # the run failed as a whole; the warehouse was left unchanged
        err.print(f"run failed, warehouse unchanged: {exc}", style="red", markup=False)
        raise typer.Exit(EXIT_FAILED) from exc
    from warehouse.summary import print_summary

    print_summary(console, summary)


@app.command()
def extract(
    paths: Paths,
    output: Annotated[OutputFormat, typer.Option("--format", help="jsonl or table.")] = (
        OutputFormat.table
    ),
    reports: Annotated[bool, typer.Option("--reports", help="Print report attributes.")] = False,
) -> None:
    """Extract facts (or, with --reports, report attributes) from report files.

    Example: `fazhi extract seeds/*.txt --format jsonl`
    """
    items, failed = _read_and_extract(paths)
    rows: list[dict[str, object]] = []
    for _, report, facts in items:
        rows += [report.to_dict()] if reports else [f.to_dict() for f in facts]
    _print_rows(rows, output)
    raise typer.Exit(EXIT_FAILED if failed else EXIT_OK)


def _read_and_extract(paths: list[Path]) -> tuple[list[tuple[str, Report, list[Fact]]], int]:
    """(text, report, facts) of every readable file, and how many files could not be read."""
    from warehouse.pipeline import extract_document, iter_input_files
    from warehouse.sources import read_document

    items, failed = [], 0
    files = list(iter_input_files(paths))
    for path, root in track(files, description="extracting", console=err, transient=True):
        document = read_document(path, root, config.max_bytes())
        if document.status != "loaded" or document.text is None:
            err.print(f"{path}: {document.status}: {document.error}", style="red", markup=False)
            failed += 1
            continue
        report, facts = extract_document(document.text, document.doc)
        items.append((document.text, report, facts))
    return items, failed


def _print_rows(rows: list[dict[str, object]], output: OutputFormat) -> None:
    if output is OutputFormat.jsonl:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    if not rows:
        console.print("no rows")
        return
    table = Table(*rows[0].keys(), show_lines=False)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row.values()))
    console.print(table)


@app.command(name="eval")
def evaluate(
    paths: Paths,
    gold: Annotated[Path, typer.Option(help="Gold directory: facts.jsonl (+ reports.csv).")],
    errors: Annotated[
        bool, typer.Option("--errors", help="List false positives/negatives.")
    ] = False,
    min_f1: Annotated[float | None, typer.Option(help="Exit 1 when fact F1 is below.")] = None,
) -> None:
    """Precision, recall and F1 per metric against a gold directory.

    Example: `fazhi eval --gold tests/gold seeds/`
    """
    from warehouse.evaluate import read_gold
    from warehouse.summary import print_fact_score, print_report_score

    gold_facts, gold_reports = read_gold(gold)
    items, _ = _read_and_extract(paths)
    reports = [report.to_dict() for _, report, _ in items]
    facts = [f.to_dict() for _, _, found in items for f in found]
    annotated = {str(g["doc"]) for g in [*gold_facts, *gold_reports]}
    docs = {str(r["doc"]).split("/")[-1] for r in reports} & annotated
    if unannotated := len(reports) - len(docs):
        err.print(f"{unannotated} file(s) not in the gold directory were not scored")
    score = print_fact_score(console, gold_facts, facts, docs, errors)
    if gold_reports:
        print_report_score(console, [g for g in gold_reports if g["doc"] in docs], reports)
    if min_f1 is not None and score < min_f1:
        raise typer.Exit(EXIT_FAILED)


@app.command()
def review(
    paths: Paths,
    out: Annotated[Path, typer.Option(help="Output directory for the HTML pages.")] = Path(
        "out/review"
    ),
) -> None:
    """Write a static HTML audit page per report, every extracted fact highlighted.

    Example: `fazhi review seeds/ --out out/review` then open out/review/index.html
    """
    from warehouse.review import write_reviews

    items, _ = _read_and_extract(paths)
    written = write_reviews(items, out)
    console.print(f"wrote {len(written)} pages; open {out / 'index.html'}")


@app.command()
def sql(
    db: DbOption = None,
    query: Annotated[
        str | None, typer.Option("--query", "-q", help="Run one query and exit.")
    ] = None,
) -> None:
    """Query the warehouse read-only (one query with -q, else an interactive prompt).

    Example: `fazhi sql -q "select * from marts.rpt_metric_yoy limit 5"`
    """
    import duckdb

    path = _existing_db(db)
    with duckdb.connect(str(path), read_only=True) as con:
        if query:
            con.sql(query).show(max_rows=200)
            return
        console.print(f"{path} (read-only). End a statement with ; and quit with Ctrl-D.")
        _repl(con)


def _repl(con: object) -> None:
    import duckdb

    buffer = ""
    while True:
        try:
            line = input("fazhi> " if not buffer else "  ...> ")
        except EOFError:
            return
        buffer += line + "\n"
        if buffer.strip().endswith(";"):
            try:
                con.sql(buffer).show(max_rows=200)  # type: ignore[attr-defined]
            except duckdb.Error as exc:
                err.print(f"[red]{exc}[/red]")
            buffer = ""


@app.command()
def docs(
    db: DbOption = None,
) -> None:
    """Regenerate the dbt docs site for an existing warehouse and print where it is.

    Example: `fazhi docs` then open dbt_project/target/index.html
    """
    from warehouse.load import open_for_update
    from warehouse.transform import docs_site, run_dbt, static_docs_site

    with open_for_update(_existing_db(db), wait=True) as work:
        run_dbt(["docs", "generate", "--static"], work)
    console.print(f"docs site: {docs_site()}\nsingle page: {static_docs_site()}")
    console.print("serve it with: cd dbt_project && ../.venv/bin/dbt docs serve --profiles-dir .")


def _existing_db(db: Path | None) -> Path:
    path = config.db_path(db)
    if not path.exists():
        err.print(f"[red]{path}: no warehouse yet; run `fazhi run` first[/red]")
        raise typer.Exit(EXIT_USAGE)
    return path


@app.command()
def report(
    db: DbOption = None,
    out: Annotated[Path, typer.Option(help="Output directory.")] = Path("out/report"),
    review_dir: Annotated[
        Path | None, typer.Option(help="Directory of `fazhi review` pages to link evidence to.")
    ] = None,
) -> None:
    """Write a static HTML report: year-over-year charts, top jurisdictions, coverage.

    Example: `fazhi report --out out/report` then open out/report/index.html
    """
    from warehouse.charts import write_report

    index = write_report(_existing_db(db), out, review_dir)
    console.print(f"report: {index}")


class ExportFormat(StrEnum):
    parquet = "parquet"
    csv = "csv"


@app.command()
def export(
    db: DbOption = None,
    fmt: Annotated[ExportFormat, typer.Option("--format", help="parquet or csv.")] = (
        ExportFormat.parquet
    ),
    out: Annotated[Path, typer.Option(help="Output directory.")] = Path("out/export"),
) -> None:
    """Export every marts table and view to one Parquet or CSV file each.

    CSV is UTF-8 with a byte-order mark so spreadsheets read Chinese text correctly.
    Example: `fazhi export --format csv --out out/csv`
    """
    from warehouse.export import export_marts

    written = export_marts(_existing_db(db), out, fmt.value)
    console.print(f"wrote {len(written)} files to {out}")


@app.command()
def bench(
    docs: Annotated[
        int, typer.Option("--docs", help="Synthetic reports to generate.", min=1)
    ] = 1000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1)] = 2,
    full: Annotated[bool, typer.Option(help="Also time full and incremental runs.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Benchmark extraction (MB/s, ratio to a bare number scan) and full/incremental runs.

    Example: `fazhi bench --docs 10000 --workers 2 --json`
    """
    from warehouse.bench import run_bench

    with contextlib.redirect_stdout(sys.stderr):  # dbt and Dask log to stdout; keep it JSON
        result = run_bench(docs, workers, full)
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        return
    table = Table("measure", "value")
    for key, value in result.to_dict().items():
        table.add_row(key, str(value))
    console.print(table)


@app.command()
def serve(
    cron: Annotated[str, typer.Option(help="Cron schedule (server's timezone).")] = "0 2 * * *",
    input_dir: Annotated[
        Path, typer.Option("--input", help="Directory the scrapers fill.", file_okay=False)
    ] = config.SEEDS_DIR,
    db: DbOption = None,
    port: Annotated[int, typer.Option(help="Port of the local Prefect server.")] = 4200,
) -> None:
    """Serve the ETL flow on a schedule, with a local Prefect server on 127.0.0.1.

    Uses $PREFECT_API_URL when set. Example: `fazhi serve --cron "0 2 * * *" --input /data/reports`
    then watch runs at http://127.0.0.1:4200
    """
    from flows.deploy import build_deployment
    from flows.deploy import serve as serve_deployment

    deployment = build_deployment(input_dir, config.db_path(db), cron=cron)
    console.print(f"serving {deployment.name} on '{cron}'; UI at http://127.0.0.1:{port}")
    serve_deployment(deployment, port)


if __name__ == "__main__":
    app()
