"""The `zoom-mcp` command: serve MCP over stdio (default), print a token, run the demo, serve the sandbox.

Each command is one `Command` in COMMANDS. The options every command may share (`--sandbox`,
`--read-only`, `--log-level`) are declared once in SHARED_OPTIONS; a command lists the ones it honours,
and they work before or after its name. One given to a command that does not honour it is refused
with a message that says which commands it goes with.

Heavy imports happen inside the command that needs them: every MCP client spawns this process, so
start-up time is felt on every session.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from zoom_mcp.server import __version__, auth_cli

if TYPE_CHECKING:
    from zoom_mcp.server.hosted.http import HttpServing
    from zoom_mcp.server.sandbox import Sandbox
    from zoom_mcp.server.settings import Settings

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@dataclass(frozen=True)
class SharedOption:
    flag: str
    help: str
    argument: dict[str, Any] = field(default_factory=lambda: {"action": "store_true"})

    @property
    def dest(self) -> str:
        return self.flag.removeprefix("--").replace("-", "_")


def _log_level(value: str) -> str:
    level = value.strip().upper()
    if level not in LOG_LEVELS:
        raise argparse.ArgumentTypeError(f"{value!r} is not one of {', '.join(LOG_LEVELS)} (any case)")
    return level


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port: use 0 to 65535 (0 picks a free one)")
    return port


SHARED_OPTIONS = (
    SharedOption("--sandbox", "use the built-in Zoom sandbox's sample data, never a real Zoom account"),
    SharedOption("--read-only", "offer no tool that changes anything in Zoom"),
    SharedOption(
        "--log-level",
        "stderr log level: DEBUG, INFO, WARNING (default) or ERROR",
        {"type": _log_level, "metavar": "LEVEL"},
    ),
)


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    run: Callable[[argparse.Namespace], int]
    # The SharedOption flags this command honours.
    honours: tuple[str, ...] = ("--log-level",)
    arguments: Callable[[argparse.ArgumentParser], None] = lambda parser: None


def main(argv: Sequence[str] | None = None) -> int:
    try:
        try:
            parser = _parser()
            args = parser.parse_args(argv)
            command = COMMANDS[args.command or "serve"]
            _refuse_options_it_ignores(parser, args, command)
            return command.run(args)
        finally:
            # Here rather than at exit, where a closed pipe would only print "Exception ignored".
            sys.stdout.flush()
    except BrokenPipeError:
        # Whoever read our output stopped (`| head`): nothing left to say, and no traceback about it.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zoom-mcp",
        description="MCP server for Zoom. With no command, serves MCP over stdio for an AI assistant.",
        epilog=environment_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[_shared_options([option.flag for option in SHARED_OPTIONS])],
    )
    parser.add_argument("--version", action="version", version=f"zoom-mcp {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS.values():
        subparser = commands.add_parser(
            command.name, help=command.help, description=command.help, parents=[_shared_options(command.honours)]
        )
        command.arguments(subparser)
    return parser


def _shared_options(shown: Sequence[str]) -> argparse.ArgumentParser:
    """Every shared option, for the top level and for each command; unset ones stay out of the namespace.

    A command parses them all, so that one it ignores is refused with a useful message rather than
    "unrecognized arguments", but its help shows only those it honours.
    """
    options = argparse.ArgumentParser(add_help=False)
    for option in SHARED_OPTIONS:
        help_text = option.help if option.flag in shown else argparse.SUPPRESS
        options.add_argument(option.flag, help=help_text, default=argparse.SUPPRESS, **option.argument)
    return options


def _refuse_options_it_ignores(parser: argparse.ArgumentParser, args: argparse.Namespace, command: Command) -> None:
    for option in SHARED_OPTIONS:
        if hasattr(args, option.dest) and option.flag not in command.honours:
            takers = [f"`zoom-mcp {other.name}`" for other in COMMANDS.values() if option.flag in other.honours]
            parser.error(
                f"{option.flag} does not apply to `zoom-mcp {command.name}`; it goes with {' and '.join(takers)}"
            )


def _shared(args: argparse.Namespace, option: str) -> Any:
    return getattr(args, option.removeprefix("--").replace("-", "_"), None)


def environment_help() -> str:
    """The settings' variables and what each means, for `--help` (a wheel install has no README)."""
    from zoom_mcp.server.settings import Settings

    lines = ["environment variables (or a .env file in the working directory; the real environment wins):"]
    for name, setting in Settings.model_fields.items():
        default = "" if setting.default in (None, False) else f" (default {setting.default})"
        lines.append(f"  ZOOM_{name.upper():<22} {setting.description}{default}")
    from zoom_mcp.server.hosted.settings import HostedSettings

    for name, setting in HostedSettings.model_fields.items():
        default = "" if setting.default in (None, False) else f" (default {setting.default})"
        lines.append(f"  ZOOM_MCP_{name.upper():<18} {setting.description}{default}")
    lines.append("MCP clients do not pass on your shell's variables: set them in the client's `env` for the server.")
    return "\n".join(lines)


def configure_logging(level: str) -> None:
    """stderr only: stdout is the MCP wire."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def load_settings(args: argparse.Namespace) -> Settings:
    """The settings from the environment and .env, with the command line's options on top; bad values end the
    program with a message that names each variable."""
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
    if _shared(args, "--read-only"):
        overrides["mcp_read_only"] = True
    if level := _shared(args, "--log-level"):
        overrides["mcp_log_level"] = level
    settings = settings.model_copy(update=overrides)
    configure_logging(settings.mcp_log_level)
    return settings


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


def _serve(args: argparse.Namespace) -> int:
    # Start-up creates many long-lived objects (the SDK's modules, the tools' schemas) and the cyclic
    # collector would scan them some 200 times for almost nothing (~80 ms, tests/bench): collect only
    # once they all exist, then keep them out of later scans.
    gc.disable()
    settings = load_settings(args)
    from zoom_mcp.server.app import create_app

    http = _http_serving(args, settings) if getattr(args, "http", False) else None
    options = http.server_options() if http else {}
    if _shared(args, "--sandbox"):
        from zoom_mcp.server.sandbox import SANDBOX_ORIGIN, Sandbox

        sandbox = Sandbox()
        app = create_app(
            sandbox_settings(settings, sandbox, SANDBOX_ORIGIN), transport=sandbox.transport(), sandbox=True, **options
        )
    else:
        app = create_app(settings, **options)
    gc.enable()
    gc.freeze()
    if http is not None:
        return http.run(app)
    app.run("stdio")
    return 0


def _serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--http", action="store_true", help="serve MCP over Streamable HTTP at /mcp (hosted mode)")
    parser.add_argument("--host", default="127.0.0.1", help="with --http: address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8000, help="with --http: port to listen on (default 8000)")


def _http_serving(args: argparse.Namespace, settings: Settings) -> HttpServing:
    from pydantic import ValidationError

    from zoom_mcp.server.hosted.http import HttpServing
    from zoom_mcp.server.hosted.settings import HostedConfigError, HostedSettings

    try:
        return HttpServing(
            HostedSettings(), host=args.host, port=args.port, zoom=settings, sandbox=bool(_shared(args, "--sandbox"))
        )
    except ValidationError as error:
        problems = "; ".join(
            f"ZOOM_MCP_{'_'.join(str(part) for part in item['loc']).upper()}: {item['msg']}"
            for item in error.errors(include_url=False, include_input=False)
        )
        raise SystemExit(f"zoom-mcp: invalid configuration: {problems}") from None
    except (HostedConfigError, ValueError) as error:
        raise SystemExit(f"zoom-mcp serve: {error}") from None


def _demo(args: argparse.Namespace) -> int:
    settings = load_settings(args)
    from zoom_mcp.server.demo import run_demo

    return run_demo(settings, sandbox=bool(_shared(args, "--sandbox")), json_output=args.json, keep=args.keep)


def _demo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parser.add_argument("--keep", action="store_true", help="on a real Zoom account, keep the demo meeting")


def _token(args: argparse.Namespace) -> int:
    settings = load_settings(args)
    import json

    import anyio

    from zoom_mcp.server.zoom.auth import ServerToServerOAuth
    from zoom_mcp.server.zoom.credentials import ServerToServerCredentials
    from zoom_mcp.server.zoom.errors import ZoomError
    from zoom_mcp.server.zoom.http import ZoomHTTP
    from zoom_mcp.tools.errors import explain

    credentials = settings.credentials()
    if not isinstance(credentials, ServerToServerCredentials):
        missing = settings.missing_server_to_server()
        placeholders = settings.placeholders()
        why = (
            f"{', '.join(placeholders)} still {'holds' if len(placeholders) == 1 else 'hold'} a <...> placeholder"
            if placeholders
            else f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set"
        )
        print(
            f"zoom-mcp token needs a Server-to-Server OAuth app (ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and "
            f"ZOOM_CLIENT_SECRET): {why}.",
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


def _auth(args: argparse.Namespace) -> int:
    return auth_cli.run_auth_command(args, load_settings(args))


def _sandbox(args: argparse.Namespace) -> int:
    # The sandbox needs none of Zoom's settings: a bad one in the environment must not stop it.
    configure_logging(_shared(args, "--log-level") or "WARNING")
    from zoom_mcp.server.sandbox import Sandbox
    from zoom_mcp.server.sandbox.http import run_sandbox_forever

    sandbox = Sandbox(seed=args.seed)
    credentials = sandbox.credentials

    def announce(origin: str) -> None:
        lines = [
            f"Zoom sandbox serving on {origin} (sample data; Ctrl+C stops it). Point zoom-mcp at it with:",
            f"export ZOOM_API_BASE_URL={origin}/v2",
            f"export ZOOM_OAUTH_TOKEN_URL={origin}/oauth/token",
            f"export ZOOM_ACCOUNT_ID={credentials.account_id}",
            f"export ZOOM_CLIENT_ID={credentials.client_id}",
            f"export ZOOM_CLIENT_SECRET={credentials.client_secret}",
            "",
            "Or sign in as one of the sandbox's users (user-level OAuth), then run `zoom-mcp login`:",
            *(f"  {line}" for line in user_oauth_variables(sandbox, origin)),
        ]
        try:
            print("\n".join(lines), flush=True)
        except BrokenPipeError:
            # The reader went away (`| head`); the sandbox itself still serves until stopped.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

    try:
        run_sandbox_forever(sandbox, "127.0.0.1", args.port, on_ready=announce)
    except OSError as error:
        print(f"zoom-mcp sandbox: {error}", file=sys.stderr)
        return 1
    return 0


def _sandbox_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=_port, default=8765, help="port to listen on (0 picks a free one)")
    parser.add_argument("--seed", type=int, default=0, help="seed for the sample data")


COMMANDS: dict[str, Command] = {
    command.name: command
    for command in (
        Command(
            "serve",
            "serve MCP over stdio (the default), or over Streamable HTTP with --http",
            _serve,
            honours=("--sandbox", "--read-only", "--log-level"),
            arguments=_serve_arguments,
        ),
        Command("token", "request a Server-to-Server OAuth token and print Zoom's JSON answer", _token),
        Command(
            "demo",
            "drive the server with a real MCP client: get the user, list meetings, create a meeting",
            _demo,
            honours=("--sandbox", "--read-only", "--log-level"),
            arguments=_demo_arguments,
        ),
        Command("login", auth_cli.LOGIN_HELP, _auth, arguments=auth_cli.login_arguments),
        Command("logout", auth_cli.LOGOUT_HELP, _auth),
        Command("auth", auth_cli.AUTH_HELP, _auth, arguments=auth_cli.auth_arguments),
        Command("sandbox", "serve the Zoom sandbox over HTTP on 127.0.0.1", _sandbox, arguments=_sandbox_arguments),
    )
}


if __name__ == "__main__":
    sys.exit(main())
