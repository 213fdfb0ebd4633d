"""How the built PWA is served: hashed assets cached for a year and compressed, the files
that keep their names revalidated, and the API left uncompressed.

A small stand-in for `frontend/dist` (the real build is checked in tests/e2e/test_shell.py),
served by the same router and compression settings as the app.
"""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar, get
from litestar.testing import TestClient

from api.app import COMPRESSION, frontend_router

SCRIPT = "export const words = " + repr("calm and friendly " * 200) + ";\n"


@get("/api/echo", sync_to_thread=False)
def echo() -> dict[str, str]:
    return {"text": "x" * 2000}


def built(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><div id=app></div>" + " " * 600)
    (dist / "sw.js").write_text(SCRIPT)
    (dist / "manifest.webmanifest").write_text('{"name": "Afterline"}')
    (dist / "icon-192.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(2000))
    (dist / "assets" / "index-AbC123.js").write_text(SCRIPT)
    return dist


def client(dist: Path) -> TestClient[Litestar]:
    app = Litestar(route_handlers=[echo, *frontend_router(dist)], compression_config=COMPRESSION)
    return TestClient(app)


def test_hashed_assets_are_compressed_and_cached_for_a_year(tmp_path: Path) -> None:
    with client(built(tmp_path)) as http:
        response = http.get("/assets/index-AbC123.js", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["cache-control"] == "max-age=31536000, public, immutable"
    assert response.text == SCRIPT  # decoded by the client: the same file


def test_files_that_keep_their_names_are_revalidated(tmp_path: Path) -> None:
    with client(built(tmp_path)) as http:
        for path in ("/", "/index.html", "/sw.js", "/manifest.webmanifest"):
            response = http.get(path)
            assert response.status_code == 200, path
            assert response.headers["cache-control"] == "no-cache", path
        assert http.get("/sw.js").headers["content-encoding"] == "gzip"
        # Images are compressed already: sent as they are.
        assert "content-encoding" not in http.get("/icon-192.png").headers


def test_the_api_is_not_compressed(tmp_path: Path) -> None:
    with client(built(tmp_path)) as http:
        response = http.get("/api/echo", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "content-encoding" not in response.headers


def test_nothing_is_served_before_the_pwa_is_built(tmp_path: Path) -> None:
    assert frontend_router(tmp_path / "missing") == []
