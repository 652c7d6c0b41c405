"""The ``marac serve`` command: run the coordinator's web app on this computer."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import MaracError

LOOPBACK = "127.0.0.1"


@click.command()
@click.argument("root", required=False, default="local_configs", metavar="[CONFIG_ROOT]",
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--port", type=click.IntRange(1024, 65535), default=8400, show_default=True,
              help="The port on 127.0.0.1 to serve on.")
@click.option("--host", default=LOOPBACK, show_default=True,
              help="Only 127.0.0.1: the app serves this computer's browser alone.")
def serve(root, port, host):
    """Serve the web app for the Maracs in CONFIG_ROOT (default local_configs/) on this computer.

    Open the address it prints in a browser. Stop it with Ctrl+C.
    """
    if host != LOOPBACK:
        raise MaracError(f"--host {host} refused: multi-user serving is not available yet. marac serve "
                         "answers only this computer (127.0.0.1); serving several people over the network "
                         "needs sign-in and per-user permissions, which this app does not have.")
    if not root.is_dir():
        raise MaracError(f"{root}: is not a folder; give the folder that holds your Marac folders "
                         "(for example local_configs), or create it first")
    import uvicorn

    from ..web.app import create_app

    app = create_app(root, port)
    click.echo(f"Serving the Maracs in {root}/ at http://{LOOPBACK}:{port}/ : open that address in your browser. "
               "Press Ctrl+C to stop.")
    uvicorn.run(app, host=LOOPBACK, port=port, log_level="warning", server_header=False, proxy_headers=False)
