"""The house conventions that no linter checks: every public definition documented, public names
pinned, small modules, every module importable without the optional extras' heavy libraries."""

from __future__ import annotations

import importlib
import inspect
import pathlib
import subprocess
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ghl_conversations"
#: "No module over about 500 lines" (issue 13); generated modules are held to it too.
MAX_MODULE_LINES = 500

PUBLIC_MODULES = [
    "ghl_conversations",
    "ghl_conversations.webhooks",
    "ghl_conversations.testing",
    "ghl_conversations.temporal",
    "ghl_conversations.dlt",
]


def _public_objects(module: ModuleType) -> Iterator[tuple[str, Any]]:
    for name in module.__all__:
        if name.startswith("__"):
            continue
        yield f"{module.__name__}.{name}", getattr(module, name)


def _undocumented(qualname: str, obj: Any) -> Iterator[str]:
    definition = inspect.isclass(obj) or inspect.isfunction(obj)
    if definition and not (obj.__doc__ or "").strip():
        yield qualname
    if inspect.isclass(obj) and obj.__module__.startswith("ghl_conversations"):
        for attr, member in vars(obj).items():
            if attr.startswith("_"):
                continue
            function = member.fget if isinstance(member, property) else member
            function = getattr(function, "__func__", function)
            if inspect.isfunction(function) and not (function.__doc__ or "").strip():
                yield f"{qualname}.{attr}"


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_public_definition_is_documented(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert (module.__doc__ or "").strip(), module_name
    missing = [
        name for qualname, obj in _public_objects(module) for name in _undocumented(qualname, obj)
    ]
    assert missing == [], f"{len(missing)} public definitions lack a docstring: {missing}"


def test_no_module_is_a_god_module() -> None:
    sizes = {
        path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    too_long = {name: lines for name, lines in sizes.items() if lines > MAX_MODULE_LINES}
    assert too_long == {}


def test_package_import_pulls_in_no_optional_extra() -> None:
    """``import ghl_conversations`` must stay light: integrations load only when asked for."""
    code = (
        "import sys, ghl_conversations, ghl_conversations.webhooks, ghl_conversations.testing\n"
        "heavy = {'temporalio', 'dlt', 'duckdb', 'psycopg', 'fastapi', 'starlette', 'rich'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


#: The public names, pinned: removing or renaming one breaks users' code (DESIGN.md fixes many of
#: them), so a change here must be deliberate and say so in the CHANGELOG.
PUBLIC_NAMES: dict[str, frozenset[str]] = {
    "ghl_conversations": frozenset(
        {
            "ALLOWED_EXTENSIONS",
            "APIConnectionError",
            "APIResponseValidationError",
            "APIStatusError",
            "APITimeoutError",
            "API_VERSION",
            "AiohttpTransport",
            "AuthenticationError",
            "BadRequestError",
            "CallData",
            "CancelScheduledResult",
            "Client",
            "ClientClosedError",
            "Clock",
            "CompleteUploadResult",
            "Conversation",
            "ConversationMessages",
            "ConversationResult",
            "ConversationSearch",
            "ConversationSearchPage",
            "CursorExpiredError",
            "DEFAULT_BASE_URL",
            "Direction",
            "Email",
            "ErrorKind",
            "ExportPage",
            "FormPart",
            "ForwardConfig",
            "GHLError",
            "Hooks",
            "InitiateUploadResult",
            "InvalidSignatureError",
            "LocationTokenExchange",
            "ManualClock",
            "MemoryTokenStore",
            "Message",
            "MessageError",
            "MessageExport",
            "MessageMeta",
            "MessageSource",
            "MessageStatus",
            "MessageType",
            "MessagesPage",
            "MockTransport",
            "NoProgressError",
            "NotFoundError",
            "OAuthRefresher",
            "OpenStrEnum",
            "Page",
            "PagedIterator",
            "PayloadTooLargeError",
            "PermissionDeniedError",
            "PostgresTokenStore",
            "ProcessMessageResult",
            "RateLimitConfig",
            "RateLimitError",
            "RateLimitWaitEvent",
            "Request",
            "RequestEvent",
            "Response",
            "ResponseEvent",
            "RetryEvent",
            "RetryPolicy",
            "SQLiteTokenStore",
            "SendMessageResult",
            "ServerError",
            "StaticToken",
            "SubscriptionAction",
            "SuccessResult",
            "SystemClock",
            "Timeout",
            "TokenProvider",
            "TokenSet",
            "TokenStore",
            "TranscriptionSentence",
            "Transport",
            "TransportStats",
            "UnprocessableEntityError",
            "UnsupportedMediaTypeError",
            "UploadResult",
            "structure",
            "to_dict",
        }
    ),
    "ghl_conversations.webhooks": frozenset(
        {
            "ASGIApp",
            "AppInstallEvent",
            "CRYPTOGRAPHY_MISSING",
            "Callback",
            "ConversationUnreadUpdateEvent",
            "DEFAULT_MAX_BODY_SIZE",
            "DEFAULT_TOLERANCE",
            "GHL_ED25519_PUBLIC_KEY",
            "GHL_RSA_PUBLIC_KEY",
            "InvalidSignatureError",
            "LEGACY_SIGNATURE_HEADER",
            "MemoryReplayStore",
            "MessageEvent",
            "ProviderOutboundMessageEvent",
            "ReplayStore",
            "ReplayedWebhookError",
            "RetryLater",
            "SIGNATURE_HEADER",
            "Verifier",
            "WebhookEvent",
            "asgi",
            "decode",
            "handler",
            "load_public_key",
            "parse",
            "to_dict",
            "verify",
        }
    ),
    "ghl_conversations.testing": frozenset(
        {
            "Dataset",
            "FakeHighLevel",
            "Fault",
            "FaultInjector",
            "FaultKind",
            "ManualClock",
            "RecordedRequest",
            "WebhookSigner",
        }
    ),
    "ghl_conversations.temporal": frozenset(
        {
            "ChunkInput",
            "ChunkPlan",
            "ChunkResult",
            "ChunkWriter",
            "DEFAULT_TASK_QUEUE",
            "DevServer",
            "DirectorySink",
            "EXPORT_CHUNK",
            "ExportHandle",
            "FleetActivities",
            "FleetTimeouts",
            "FleetWorker",
            "LocationExportInput",
            "LocationExportWorkflow",
            "LocationProgress",
            "LocationTokens",
            "PLAN_LOCATION",
            "PlanInput",
            "Sink",
            "SinkFactory",
            "WORKFLOW_TYPE",
            "connect",
            "create_worker",
            "default_sinks",
            "fleet_progress",
            "list_exports",
            "location_progress",
            "non_retryable",
            "start_fleet_export",
            "start_location_export",
            "temporal_binary",
            "workflow_id_for",
        }
    ),
    "ghl_conversations.dlt": frozenset(
        {
            "ClientFactory",
            "DEFAULT_CHUNK_SIZE",
            "DEFAULT_DATASET",
            "DEFAULT_DESTINATION",
            "DEFAULT_OVERLAP",
            "ProgressEvent",
            "SOURCE_NAME",
            "SyncStopped",
            "SyncSummary",
            "TableCounts",
            "describe_destination",
            "ghl_source",
            "sync",
        }
    ),
}


@pytest.mark.parametrize("module_name", sorted(PUBLIC_NAMES))
def test_public_names_are_pinned(module_name: str) -> None:
    module = importlib.import_module(module_name)
    exported = set(module.__all__) - {"__version__"}
    assert exported == PUBLIC_NAMES[module_name]
    assert all(hasattr(module, name) for name in exported)
