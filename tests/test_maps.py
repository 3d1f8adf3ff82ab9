"""Where incidents happened (issue 30): coordinates on add and edit, kept by documents and
the history, and `export --format geojson` for QGIS and uMap."""

import json

import pytest

MINSK = ["--lat", "53.9045", "--lon", "27.5615"]


def _add(cli, *args: str) -> str:
    return cli(
        "add", "raid", "--date", "2021-07-30", "--country", "BY", "--force", *args
    ).stdout.strip()


def test_coordinates_are_stored_shown_and_exported_as_a_map(cli, tmp_path):
    minsk = _add(cli, "--city", "Minsk", "-j", "Ігар Лосік", "--source", "https://baj.by/a", *MINSK)
    _add(cli, "--city", "Brest")  # no coordinates: counted, not drawn
    item = cli.json("show", minsk)
    assert (item["latitude"], item["longitude"]) == (53.9045, 27.5615)
    assert "latitude" in cli("show", minsk).stdout
    out = tmp_path / "map.geojson"
    said = cli("export", "--format", "geojson", "--out", out).stderr
    assert said == (
        f"Exported 1 incident to {out}.\n"
        "1 incident without coordinates left out of the map (add them with `edit ID --lat ... "
        "--lon ...`).\n"
    )
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    [feature] = data["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [27.5615, 53.9045]}
    assert feature["properties"]["id"] == minsk
    assert feature["properties"]["journalists"] == ["Ігар Лосік"]
    assert feature["properties"]["sources"] == ["https://baj.by/a"]
    assert feature["properties"]["city"] == "Minsk"


def test_a_map_for_publishing_hides_people_at_risk_and_leaves_out_what_is_restricted(cli, tmp_path):
    _add(cli, "-j", "Ігар Лосік", "--summary", "Ігар Лосік detained", *MINSK)
    _add(cli, "--restricted", "--summary", "A safe house", "--lat", "52.1", "--lon", "23.7")
    cli("journalists", "set", "Ігар Лосік", "--at-risk")
    out = tmp_path / "public.geojson"
    cli("export", "--format", "geojson", "--redact", "--out", out)
    text = out.read_text(encoding="utf-8")
    assert "Лосік" not in text and "safe house" not in text and "52.1" not in text
    assert len(json.loads(text)["features"]) == 1


def test_edit_sets_and_clears_coordinates_and_a_document_keeps_them(cli, tmp_path):
    minsk = _add(cli, *MINSK)
    cli("edit", minsk, "--lat", "53,9", "--lon", "27,56")  # a decimal comma, as typed in BY
    assert (cli.json("show", minsk)["latitude"], cli.json("show", minsk)["longitude"]) == (
        53.9,
        27.56,
    )
    document = tmp_path / "all.json"
    cli("export", "--out", document)
    other = tmp_path / "other.db"
    cli("--db", other, "import", document)
    copied = cli.json("--db", other, "show", minsk)
    assert (copied["latitude"], copied["longitude"]) == (53.9, 27.56)
    cli("edit", minsk, "--set", "latitude=", "--set", "longitude=")
    assert "latitude" not in cli.json("show", minsk)
    changes = cli.json("history", minsk)[-1]["changes"]
    assert {c["field"] for c in changes} == {"latitude", "longitude"}


@pytest.mark.parametrize(
    "args, said",
    [
        (["--lat", "95", "--lon", "27"], "latitude: '95' must be between -90 and 90 degrees"),
        (
            ["--lat", "53", "--lon", "-181"],
            "longitude: '-181' must be between -180 and 180 degrees",
        ),
        (["--lat", "nan", "--lon", "27"], "latitude: 'nan' must be between -90 and 90 degrees"),
        (["--lat", "north", "--lon", "27"], "latitude: 'north' is not a number of degrees"),
        (["--lat", "53.9"], "latitude: 53.9 needs a longitude too"),
        (["--lon", "27.5"], "longitude: 27.5 needs a latitude too"),
    ],
)
def test_bad_coordinates_are_one_line_and_nothing_written(cli, args, said):
    result = cli("add", "raid", "--date", "2021-07-30", *args, code=2)
    assert result.stderr == f"Error: {said}\n"
    assert cli.json("list") == []
