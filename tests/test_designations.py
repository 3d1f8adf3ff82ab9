"""The designations register."""

import json

DESIGNATE = [
    "designate",
    "Belsat",
    "--label",
    "extremist-formation",
    "--by",
    "KGB",
    "--date",
    "2021-07-26..2021-07-30",
    "--country",
    "BY",
    "--publisher",
    "VOA",
]


def test_designating_records_an_incident_of_kind_designation(cli):
    designation_id = cli(*DESIGNATE).stdout.strip()
    [incident] = cli.json("list", "--kind", "designation")
    assert incident["outlets"] == ["Belsat"] and incident["perpetrator"] == "KGB"
    assert incident["date"] == "2021-07-26..2021-07-30"
    assert incident["summary"] == "KGB designated Belsat: Extremist formation"
    [row] = cli.json("designations")
    assert row["id"] == designation_id and row["incident"] == incident["id"]
    assert (row["target"], row["target_type"], row["label"], row["issued_by"]) == (
        "Belsat",
        "outlet",
        "extremist-formation",
        "KGB",
    )


def test_who_was_under_which_label_on_a_day(cli):
    belsat = cli(*DESIGNATE).stdout.strip()
    cli(
        "designate",
        "Viasna",
        "--label",
        "extremist-formation",
        "--by",
        "Ministry of Internal Affairs",
        "--date",
        "2023-08",
        "--target-type",
        "organisation",
    )
    cli(
        "designate",
        "Ihar Losik",
        "--label",
        "terrorist-organisation",
        "--by",
        "KGB",
        "--date",
        "2022-05-10",
        "--target-type",
        "person",
        "--reference",
        "entry 123",
    )

    def targets(*args):
        return sorted(r["target"] for r in cli.json("designations", *args))

    assert targets("--as-of", "2021-07-25") == []
    assert targets("--as-of", "2021-07-31") == ["Belsat"]
    assert targets("--as-of", "2023-12-31") == ["Belsat", "Ihar Losik", "Viasna"]
    assert targets("--label", "terrorist-organisation") == ["Ihar Losik"]
    cli("designations", "appeal", belsat[:6], "--date", "2021-09-01")
    cli("designations", "uphold", belsat[:6], "--date", "2021-10-01")
    lifted = cli("designations", "lift", belsat[:6], "--date", "2023-01-15")
    assert lifted.stderr == "Belsat: extremist-formation lifted on 2023-01-15.\n"
    assert targets("--as-of", "2023-01-14") == ["Belsat", "Ihar Losik"]
    assert targets("--as-of", "2023-01-15") == ["Ihar Losik"]
    [row] = [r for r in cli.json("designations") if r["target"] == "Belsat"]
    assert [c["change"] for c in row["changes"]] == ["appealed", "upheld", "lifted"]
    assert row["lifted_on"] == "2023-01-15"
    result = cli("designations", "lift", belsat, "--date", "2023-02-01", code=2)
    assert result.stderr == f"Error: id: '{belsat}' is already lifted\n"


def test_bad_designations_write_nothing(cli):
    result = cli("designate", "Belsat", "--label", "enemy", "--by", "KGB", "--date", "2021", code=2)
    assert result.stderr.startswith("Error: --label: 'enemy' is not a known label")
    result = cli(
        "designate",
        "Belsat",
        "--label",
        "foreign-agent",
        "--by",
        "KGB",
        "--date",
        "2021-02-30",
        code=2,
    )
    assert result.stderr == "Error: --date: '2021-02-30' is not a real date\n"
    result = cli(
        "designate",
        "Belsat",
        "--label",
        "foreign-agent",
        "--by",
        "KGB",
        "--date",
        "2021",
        "--target-type",
        "website",
        code=2,
    )
    assert result.stderr.startswith("Error: --target-type: 'website' is not a target type")
    assert cli.json("designations") == [] and cli.json("list") == []
    designation = cli(*DESIGNATE).stdout.strip()
    result = cli("designations", "lift", designation, "--date", "2021-07-01", code=2)
    assert result.stderr.startswith("Error: --date: '2021-07-01' is before the designation")


def test_labels_can_be_extended(cli):
    cli("labels", "add", "undesirable-media", "Undesirable media")
    labels = {label["slug"]: label for label in cli.json("labels")}
    assert set(labels) == {
        "extremist-materials",
        "extremist-formation",
        "terrorist-organisation",
        "foreign-agent",
        "undesirable-organisation",
        "undesirable-media",
    }
    cli(
        "designate",
        "Meduza",
        "--label",
        "undesirable-media",
        "--by",
        "Prosecutor General",
        "--date",
        "2023-01-26",
        "--country",
        "RU",
    )
    assert {label["slug"]: label["count"] for label in cli.json("labels")}["undesirable-media"] == 1


def test_designating_an_organisation_records_it_as_one(cli):
    cli(
        "designate",
        "Viasna",
        "--label",
        "extremist-formation",
        "--by",
        "MVD",
        "--date",
        "2023-08",
        "--target-type",
        "Organisation",
    )
    document = json.loads(cli("export").stdout)
    assert document["outlets"] == [{"name": "Viasna", "type": "organisation"}]


def test_designations_follow_their_incident(cli, tmp_path):
    cli(
        "designate",
        "Belsat",
        "--label",
        "extremist-formation",
        "--by",
        "KGB",
        "--date",
        "2021-07-28",
        "--country",
        "BY",
    )
    [incident] = cli.json("list")
    cli("edit", incident["id"], "--date", "2021-08-05", "--country", "RU")
    assert cli.json("designations")[0]["date"] == "2021-08-05"
    august = cli.json("summary", "--month", "2021-08")
    assert august["by_kind"] == {"designation": 1} and len(august["designations"]) == 1
    assert cli.json("summary", "--month", "2021-07")["designations"] == []
    cli("delete", incident["id"], "--yes")
    assert cli.json("designations") == []


def test_a_designation_cannot_be_dated_after_its_lift_or_lose_its_kind(cli):
    designation = cli(
        "designate",
        "Belsat",
        "--label",
        "extremist-formation",
        "--by",
        "KGB",
        "--date",
        "2021-07-26",
    ).stdout.strip()
    cli("designations", "lift", designation, "--date", "2024-01-10")
    [record] = cli.json("designations")
    incident = record["incident"]
    result = cli("edit", incident, "--date", "2024-02", code=2)
    assert result.stderr == (
        "Error: date: '2024-02' is after the designation was lifted (2024-01-10)\n"
    )
    result = cli("edit", incident, "--replace", "--kind", "raid", code=2)
    assert result.stderr == (
        f"Error: kind: 'raid' leaves out designation: incident "
        f"{incident[:8]} records designation {designation[:8]} (delete "
        "that instead)\n"
    )
    assert cli.json("designations", "--as-of", "2023-01-01")[0]["date"] == "2021-07-26"
    assert cli.json("show", incident)["kinds"] == ["designation"]
    cli("edit", incident, "--date", "2021-07")  # moving it earlier is fine
    assert cli.json("designations")[0]["date"] == "2021-07"


def test_a_targets_type_lives_in_one_place(cli):
    cli(
        "designate",
        "Viasna",
        "--label",
        "extremist-formation",
        "--by",
        "MVD",
        "--date",
        "2023-08",
        "--target-type",
        "organisation",
    )
    cli(
        "designate",
        "Viasna",
        "--label",
        "extremist-materials",
        "--by",
        "Court",
        "--date",
        "2023-09",
    )  # no --target-type: what Viasna is recorded as
    assert [d["target_type"] for d in cli.json("designations")] == ["organisation"] * 2
    result = cli(
        "designate",
        "Viasna",
        "--label",
        "foreign-agent",
        "--by",
        "MoJ",
        "--date",
        "2023-10",
        "--target-type",
        "outlet",
        code=2,
    )
    assert result.stderr == (
        "Error: --target-type: 'outlet' does not match 'Viasna', recorded as an organisation\n"
    )
    assert json.loads(cli("export").stdout)["outlets"] == [
        {"name": "Viasna", "type": "organisation"}
    ]
