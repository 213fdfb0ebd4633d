"""How `afterline bench` prints what it measured, and the issue's targets beside it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from collections.abc import Mapping

ORDER = ("health", "checkin_put", "timeline_get", "patients_list", "patients_list_1conn")


class Figures(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def rps(self) -> float: ...
    @property
    def p50_ms(self) -> float: ...
    @property
    def p99_ms(self) -> float: ...
    @property
    def non_2xx(self) -> int: ...
    @property
    def socket_errors(self) -> int: ...


@dataclass(frozen=True)
class Measured:
    database: str
    patients: int
    results: Mapping[str, Figures]
    rss_mb: float

    def ratio(self, name: str) -> float:
        return self.results[name].rps / self.results["health"].rps


@dataclass(frozen=True)
class Target:
    """One of the targets: what is measured, the limit, and whether it is a floor.

    `refused`: answers that were not 2xx in the runs behind the figure. A run with any is
    not a result (quick 503s would pass for speed), so its target is never met."""

    label: str
    value: float
    limit: float
    floor: bool = False
    refused: int = 0

    @property
    def met(self) -> bool:
        if self.refused:
            return False
        return self.value >= self.limit if self.floor else self.value < self.limit


def targets(run: Measured) -> list[Target]:
    """The targets that apply to `run` (the list's p50 limit depends on the clinic's size)."""
    put, timeline = run.results["checkin_put"], run.results["timeline_get"]
    first_page = run.results["patients_list"]

    def refused(*results: Figures) -> int:
        return sum(result.non_2xx + result.socket_errors for result in results)

    found = [
        Target("check-in PUT p99 ms", put.p99_ms, 100, refused=refused(put)),
        Target("timeline GET p99 ms", timeline.p99_ms, 100, refused=refused(timeline)),
        Target("check-in PUT x health", run.ratio("checkin_put"), 0.06, True, refused(put)),
        Target("timeline GET x health", run.ratio("timeline_get"), 0.08, True, refused(timeline)),
    ]
    if run.patients >= 20_000:
        found.append(
            Target("list first page p50 ms", first_page.p50_ms, 60, refused=refused(first_page))
        )
        found.append(Target("API RSS MB", run.rss_mb, 250))
    elif run.patients >= 2_000:
        found.append(
            Target("list first page p50 ms", first_page.p50_ms, 30, refused=refused(first_page))
        )
        found.append(
            Target("list first page p99 ms", first_page.p99_ms, 100, refused=refused(first_page))
        )
    return found


def _endpoint_table(run: Measured, connections: int) -> Table:
    table = Table(
        title=f"{run.database}, {run.patients:,} patients ({connections} connections, "
        "1 API process)"
    )
    for column in ("endpoint", "req/s", "x health", "p50 ms", "p99 ms", "non-2xx", "socket errors"):
        table.add_column(column, justify="right" if column != "endpoint" else "left", no_wrap=True)
    health = run.results["health"].rps
    for result in (run.results[name] for name in ORDER if name in run.results):
        table.add_row(
            result.name,
            f"{result.rps:,.0f}",
            f"{result.rps / health:.3f}",
            f"{result.p50_ms:.1f}",
            f"{result.p99_ms:.1f}",
            str(result.non_2xx),
            str(result.socket_errors),
        )
    return table


def report_runs(console: Console, runs: list[Measured], connections: int) -> None:
    for run in runs:
        console.print(_endpoint_table(run, connections))
        console.print(f"API peak RSS: {run.rss_mb:.0f} MB")
    table = Table(title="targets")
    for column in ("database", "patients", "target", "measured", "limit", "met", "not 2xx"):
        table.add_column(column, no_wrap=True)
    for run in runs:
        for target in targets(run):
            sign = ">=" if target.floor else "<"
            table.add_row(
                run.database,
                f"{run.patients:,}",
                target.label,
                f"{target.value:.3f}" if target.value < 1 else f"{target.value:.1f}",
                f"{sign} {target.limit:g}",
                "yes" if target.met else "NO",
                str(target.refused),
            )
    console.print(table)
    for run in runs:
        print(
            f"bench: db={run.database} patients={run.patients} "
            f"checkin_put={run.ratio('checkin_put'):.3f} "
            f"timeline_get={run.ratio('timeline_get'):.3f} "
            f"list_p50_ms={run.results['patients_list'].p50_ms:.1f} "
            f"list_p99_ms={run.results['patients_list'].p99_ms:.1f} rss_mb={run.rss_mb:.0f}"
        )


def report_scaling(
    console: Console, scaling: Mapping[int, Mapping[str, Figures]], connections: int
) -> None:
    """Requests per second at 1 and N API processes on PostgreSQL, and the growth."""
    counts = sorted(scaling)
    table = Table(title=f"PostgreSQL, 1 to {counts[-1]} API processes ({connections} connections)")
    table.add_column("endpoint", no_wrap=True)
    for count in counts:
        table.add_column(f"req/s, {count} proc", justify="right")
    table.add_column("growth", justify="right")
    table.add_column("not 2xx", justify="right")
    for name in ORDER:
        if name not in scaling[counts[0]]:
            continue
        rates = [scaling[count][name].rps for count in counts]
        refused = sum(scaling[c][name].non_2xx + scaling[c][name].socket_errors for c in counts)
        growth = f"x{rates[-1] / rates[0]:.2f}" if not refused else "not a result"
        table.add_row(name, *(f"{rate:,.0f}" for rate in rates), growth, str(refused))
    console.print(table)
    for name in ORDER:
        if name in scaling[counts[0]]:
            rates = [scaling[count][name].rps for count in counts]
            refused = sum(scaling[c][name].non_2xx + scaling[c][name].socket_errors for c in counts)
            print(
                f"bench-scale: {name} processes={counts[-1]} "
                f"growth={rates[-1] / rates[0]:.2f} not_2xx={refused}"
            )
