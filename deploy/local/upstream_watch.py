"""Active health checks for nginx (open-source nginx only has passive ones): every
INTERVAL seconds, ask each node's /health/ready; write upstreams.conf with the nodes that
fail marked `down` and reload nginx when that changed. If every node fails, all stay in
(nginx would otherwise answer 502 to everyone; a node may still serve what it can).

    python deploy/local/upstream_watch.py PROD_DIR HOST:PORT [HOST:PORT ...]
"""

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

INTERVAL = 2.0


def ready(node: str) -> bool:
    try:
        with urllib.request.urlopen(f"http://{node}/health/ready", timeout=2) as response:
            return response.status == 200
    except Exception:  # noqa: BLE001 — refused, timed out, 503: not ready
        return False


def upstreams(nodes: list[str], down: set[str]) -> str:
    if len(down) == len(nodes):
        down = set()
    lines = [f"    server {n} max_fails=1 fail_timeout=3s{' down' if n in down else ''};" for n in nodes]
    return "upstream eulogin {\n" + "\n".join(lines) + "\n}\n"


def main(directory: str, *nodes: str) -> None:
    conf = Path(directory) / "upstreams.conf"
    while True:
        text = upstreams(list(nodes), {n for n in nodes if not ready(n)})
        if text != conf.read_text():
            conf.write_text(text)
            print("upstreams: " + " ".join(f"{n}={'down' if f'{n} max_fails=1 fail_timeout=3s down' in text else 'up'}"
                                           for n in nodes), flush=True)
            if (Path(directory) / "nginx.pid").exists():
                subprocess.run(["nginx", "-p", directory, "-c", "nginx.conf", "-s", "reload"], check=False)
        time.sleep(INTERVAL)


if __name__ == "__main__":
    if sys.argv[1] == "--print":  # the first upstreams.conf: every node in
        print(upstreams(sys.argv[2:], set()), end="")
    else:
        main(*sys.argv[1:])
