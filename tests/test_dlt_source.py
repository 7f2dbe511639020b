"""The public dlt source in a pipeline of your own, and how a sync fares when things go wrong."""

from __future__ import annotations

import datetime as _dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import ghl_conversations as ghl
from ghl_conversations.testing import FakeHighLevel, Fault

from ._sync_support import messages_by_id, query, row_count

dlt = pytest.importorskip("dlt", reason="the [dlt] extra is not installed")
pytest.importorskip("duckdb", reason="the [dlt] extra is not installed")

from ghl_conversations.dlt import ghl_source, sync  # noqa: E402


@pytest.fixture
def fake() -> Iterator[FakeHighLevel]:
    with FakeHighLevel(messages=600, seed=11, rate_limit=1_000_000) as server:
        yield server


def test_the_source_runs_in_your_own_pipeline_and_a_rerun_adds_nothing(
    fake: FakeHighLevel, tmp_path: Path
) -> None:
    database = tmp_path / "own.duckdb"
    pipeline = dlt.pipeline(
        pipeline_name="own",
        destination=dlt.destinations.duckdb(str(database)),
        dataset_name="highlevel",
        pipelines_dir=str(tmp_path / "dlt"),
    )
    pipeline.run(ghl_source([fake.location_id], token=fake.token, base_url=fake.url))
    assert row_count(database, "messages") == 600
    loaded_once = query(database, "SELECT count(DISTINCT _dlt_load_id) FROM highlevel.messages")

    pipeline.run(ghl_source([fake.location_id], token=fake.token, base_url=fake.url))

    assert row_count(database, "messages") == 600
    assert query(database, "SELECT count(DISTINCT _dlt_load_id) FROM highlevel.messages") == (
        loaded_once
    )


def test_the_state_lives_in_the_destination_not_in_the_working_directory(
    fake: FakeHighLevel, tmp_path: Path
) -> None:
    database, work = tmp_path / "kept.duckdb", tmp_path / "dlt"
    sync([fake.location_id], database, token=fake.token, base_url=fake.url, pipelines_dir=work)
    shutil.rmtree(work)  # a new machine, a cleaned home directory...

    again = sync(
        [fake.location_id], database, token=fake.token, base_url=fake.url, pipelines_dir=work
    )

    assert again.nothing_new
    assert row_count(database, "messages") == 600


def test_since_limits_the_messages_to_those_created_from_then_on(
    fake: FakeHighLevel, tmp_path: Path
) -> None:
    dataset = fake.dataset
    since = _dt.datetime.fromtimestamp(dataset.date_ms(400) / 1000, _dt.UTC)
    database = tmp_path / "since.duckdb"
    summary = sync(
        [fake.location_id],
        database,
        token=fake.token,
        base_url=fake.url,
        since=since,
        tables=["messages"],
        pipelines_dir=tmp_path / "dlt",
    )
    expected = {dataset.message_id(i) for i in range(400, 600)}
    assert messages_by_id(database).keys() == expected
    assert summary.counts["messages", fake.location_id].new == 200


def test_a_server_failing_mid_way_keeps_the_committed_loads_and_a_rerun_ends_exact(
    fake: FakeHighLevel, tmp_path: Path
) -> None:
    database = tmp_path / "failing.duckdb"

    def break_the_server(load: int, rows: int) -> None:
        fake.faults.always(Fault("server_error", path="/conversations/messages/export"))

    with pytest.raises(ghl.ServerError):
        sync(
            [fake.location_id],
            database,
            client_factory=lambda: fake.client(max_retries=0),
            tables=["messages"],
            chunk_size=200,
            page_size=100,
            pipelines_dir=tmp_path / "dlt",
            on_load=break_the_server,
        )
    assert row_count(database, "messages") == 200  # the first load stayed, nothing half-done
    fake.faults.clear()

    summary = sync(
        [fake.location_id],
        database,
        token=fake.token,
        base_url=fake.url,
        tables=["messages"],
        chunk_size=200,
        page_size=100,
        pipelines_dir=tmp_path / "dlt",
    )

    assert summary.counts["messages", fake.location_id].new == 400
    assert row_count(database, "messages") == len(messages_by_id(database)) == 600


def test_an_invalid_date_in_a_page_fails_the_sync_as_an_invalid_answer(
    fake: FakeHighLevel, tmp_path: Path
) -> None:
    fake.faults.always(Fault("malformed_field", path="/conversations/messages/export"))
    with pytest.raises(ghl.APIResponseValidationError):
        sync(
            [fake.location_id],
            tmp_path / "bad.duckdb",
            client_factory=lambda: fake.client(max_retries=0),
            tables=["messages"],
            pipelines_dir=tmp_path / "dlt",
        )


@pytest.mark.parametrize(
    ("locations", "options", "message"),
    [
        ([], {"token": "t"}, "at least one location"),
        (["a", "a"], {"token": "t"}, "named twice"),
        (["a"], {}, "token"),
        (["a"], {"token": "t", "max_rows_per_load": 0}, "max_rows_per_load"),
    ],
)
def test_bad_source_arguments_fail_before_anything_is_sent(
    locations: list[str], options: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        ghl_source(locations, **options)  # type: ignore[arg-type]


def test_a_dataset_named_like_the_duckdb_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="named like the DuckDB file"):
        sync(["a"], tmp_path / "highlevel.duckdb", token="t")
