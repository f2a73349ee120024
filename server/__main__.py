"""The `zoom-mcp` command: serve MCP over stdio (default), print a token, run the demo, serve the sandbox.

Heavy imports happen inside the command that needs them: every MCP client spawns this process, so
start-up time is felt on every session.
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from zoom_mcp.server import __version__
from zoom_mcp.server.auth_cli import AUTH_COMMANDS, add_auth_commands, run_auth_command

if TYPE_CHECKING:
    from zoom_mcp.server.sandbox import Sandbox
    from zoom_mcp.server.settings import Settings

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "serve"
    if command == "serve":
        return _serve(args)
    if command == "token":
        return _token(args)
    if command in AUTH_COMMANDS:
        settings = _settings(args)
        configure_logging(settings.mcp_log_level)
        return run_auth_command(args, settings)
    if command == "demo":
        from zoom_mcp.server.demo import run_demo

        return run_demo(json_output=args.json, keep=args.keep)
    return _sandbox(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zoom-mcp",
        description="MCP server for Zoom. With no command, serves MCP over stdio for an AI assistant.",
        epilog="Configuration comes from ZOOM_* environment variables or a .env file; see the README.",
    )
    parser.add_argument("--version", action="version", version=f"zoom-mcp {__version__}")
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="serve the built-in Zoom sandbox's sample data instead of a real Zoom account",
    )
    parser.add_argument("--read-only", action="store_true", help="register no tool that changes anything in Zoom")
    parser.add_argument(
        "--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"], help="stderr log level (default WARNING)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("serve", help="serve MCP over stdio (the default)")
    commands.add_parser("token", help="request a Server-to-Server OAuth token and print Zoom's JSON answer")
    demo = commands.add_parser(
        "demo", help="drive the server with a real MCP client: get the user, list meetings, create a meeting"
    )
    demo.add_argument("--json", action="store_true", help="print machine-readable JSON")
    demo.add_argument("--keep", action="store_true", help="on a real Zoom account, keep the demo meeting")
    add_auth_commands(commands)
    sandbox = commands.add_parser("sandbox", help="serve the Zoom sandbox over HTTP on 127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8765, help="port to listen on (0 picks a free one)")
    sandbox.add_argument("--seed", type=int, default=0, help="seed for the sample data")
    return parser


def configure_logging(level: str) -> None:
    """stderr only: stdout is the MCP wire."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def _settings(args: argparse.Namespace) -> Settings:
    from pydantic import ValidationError

    from zoom_mcp.server.settings import Settings

    try:
        settings = Settings()
    except ValidationError as error:
        problems = "; ".join(
            f"ZOOM_{'_'.join(str(part) for part in item['loc']).upper()}: {item['msg']}"
            for item in error.errors(include_url=False, include_input=False)
        )
        raise SystemExit(f"zoom-mcp: invalid configuration: {problems}") from None
    overrides: dict[str, object] = {}
    if args.read_only:
        overrides["mcp_read_only"] = True
    if args.log_level:
        overrides["mcp_log_level"] = args.log_level
    return settings.model_copy(update=overrides)


def sandbox_settings(settings: Settings, sandbox: Sandbox, origin: str) -> Settings:
    """Point the settings at a sandbox, whatever Zoom credentials the environment holds."""
    from pydantic import SecretStr

    credentials = sandbox.credentials
    return settings.model_copy(
        update={
            "account_id": credentials.account_id,
            "client_id": credentials.client_id,
            "client_secret": SecretStr(credentials.client_secret),
            "access_token": None,
            "api_base_url": f"{origin}/v2",
            "oauth_token_url": f"{origin}/oauth/token",
        }
    )


def user_oauth_variables(sandbox: Sandbox, origin: str) -> list[str]:
    """The variables for the sandbox's user-managed app (public PKCE client: its public id and no secret)."""
    app = sandbox.user_app
    return [
        "unset ZOOM_ACCOUNT_ID",
        f"export ZOOM_API_BASE_URL={origin}/v2",
        f"export ZOOM_OAUTH_TOKEN_URL={origin}/oauth/token",
        f"export ZOOM_OAUTH_AUTHORIZE_URL={origin}/oauth/authorize",
        f"export ZOOM_OAUTH_REVOKE_URL={origin}/oauth/revoke",
        f"export ZOOM_CLIENT_ID={app.client_id}",
        f"export ZOOM_CLIENT_SECRET={app.client_secret}",
        f"# or, as a public PKCE client: export ZOOM_CLIENT_ID={app.public_client_id}; unset ZOOM_CLIENT_SECRET",
    ]


def _serve(args: argparse.Namespace) -> int:
    # Start-up creates many long-lived objects (the SDK's modules, the tools' schemas) and the cyclic
    # collector would scan them some 200 times for almost nothing (~80 ms, tests/bench): collect only
    # once they all exist, then keep them out of later scans.
    gc.disable()
    settings = _settings(args)
    configure_logging(settings.mcp_log_level)
    from zoom_mcp.server.app import create_app

    if args.sandbox:
        from zoom_mcp.server.sandbox import SANDBOX_ORIGIN, Sandbox

        sandbox = Sandbox()
        app = create_app(
            sandbox_settings(settings, sandbox, SANDBOX_ORIGIN), transport=sandbox.transport(), sandbox=True
        )
    else:
        app = create_app(settings)
    gc.enable()
    gc.freeze()
    app.run("stdio")
    return 0


def _token(args: argparse.Namespace) -> int:
    settings = _settings(args)
    configure_logging(settings.mcp_log_level)
    import json

    import anyio

    from zoom_mcp.server.zoom.auth import ServerToServerOAuth
    from zoom_mcp.server.zoom.credentials import ServerToServerCredentials
    from zoom_mcp.server.zoom.errors import ZoomError
    from zoom_mcp.server.zoom.http import ZoomHTTP
    from zoom_mcp.tools.errors import explain

    credentials = settings.credentials()
    if not isinstance(credentials, ServerToServerCredentials):
        print(
            "zoom-mcp token needs ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET "
            "(a Server-to-Server OAuth app).",
            file=sys.stderr,
        )
        return 2

    async def request() -> dict[str, object]:
        async with ZoomHTTP(timeout_seconds=settings.timeout_seconds) as http:
            oauth = ServerToServerOAuth(http, token_url=settings.oauth_token_url, credentials=credentials)
            return (await oauth.request_token()).as_json()

    try:
        answer = anyio.run(request)
    except ZoomError as error:
        print(f"zoom-mcp token: {explain(error)}", file=sys.stderr)
        return 1
    print(json.dumps(answer, indent=2))
    return 0


def _sandbox(args: argparse.Namespace) -> int:
    configure_logging(args.log_level or "WARNING")
    from zoom_mcp.server.sandbox import Sandbox
    from zoom_mcp.server.sandbox.http import run_sandbox_forever

    sandbox = Sandbox(seed=args.seed)
    credentials = sandbox.credentials

    def announce(origin: str) -> None:
        print(f"Zoom sandbox serving on {origin} (sample data; Ctrl+C stops it). Point zoom-mcp at it with:")
        print(f"export ZOOM_API_BASE_URL={origin}/v2")
        print(f"export ZOOM_OAUTH_TOKEN_URL={origin}/oauth/token")
        print(f"export ZOOM_ACCOUNT_ID={credentials.account_id}")
        print(f"export ZOOM_CLIENT_ID={credentials.client_id}")
        print(f"export ZOOM_CLIENT_SECRET={credentials.client_secret}")
        print()
        print("Or sign in as one of the sandbox's users (user-level OAuth), then run `zoom-mcp login`:")
        for line in user_oauth_variables(sandbox, origin):
            print(f"  {line}")
        sys.stdout.flush()

    try:
        run_sandbox_forever(sandbox, "127.0.0.1", args.port, on_ready=announce)
    except OSError as error:
        print(f"zoom-mcp sandbox: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
