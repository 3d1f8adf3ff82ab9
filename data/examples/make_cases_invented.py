"""Makes cases-invented.json: an INVENTED worked example of cases and the prison census.

Every person, outlet, case, date and figure in it is made up ("Prykladnaja" is Belarusian
for "example"); the articles of law are real articles of Belarus's codes, used the way BAJ
and Viasna report them being used. Sources point at example.org. It exists to show the
commands of the README's walk-through, not to be cited.
Run: python data/examples/make_cases_invented.py (needs pressfree installed)
"""

import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
SOURCE = ("--source", "https://example.org/invented", "--publisher", "Invented example")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "example.db"

        def pressfree(*args: str) -> str:
            return subprocess.run(
                [sys.executable, "-m", "pressfree", "--db", str(db), "--as", "example", *args],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()

        def detained(name: str, day: str, outlet: str, city: str) -> str:
            return pressfree(
                "add",
                "detention",
                "raid",
                "--date",
                day,
                "--country",
                "BY",
                "--city",
                city,
                "--journalist",
                name,
                "--outlet",
                outlet,
                "--summary",
                f"INVENTED: {name}'s home searched; taken away",
                *SOURCE,
            )

        anna = detained("Anna Prykladnaja", "2021-03-12", "Prykład Media", "Minsk")
        ihar = detained("Ihar Uzorny", "2021-07-30", "Radio Uzor", "Hrodna")
        pavel = detained("Paval Testavy", "2021-11-20", "Prykład Media", "Minsk")
        for name, outlet in (
            ("Anna Prykladnaja", "Prykład Media"),
            ("Ihar Uzorny", "Radio Uzor"),
            ("Paval Testavy", "Prykład Media"),
        ):
            pressfree("journalists", "set", name, "--outlet", outlet)
        case = pressfree(
            "case",
            "open",
            "Anna Prykladnaja",
            "--type",
            "criminal",
            "--date",
            "2021-03-13",
            "--charge",
            "Criminal Code art. 342",
            "--incident",
            anna,
            "--by",
            "Investigative Committee",
            *SOURCE,
        )
        pressfree(
            "case",
            "charge",
            "add",
            case,
            "--charge",
            "Criminal Code art. 361-1",
            "--date",
            "2021-06",
            *SOURCE,
        )
        pressfree("case", "hearing", case, "--date", "2021-09-14", "--note", "closed trial")
        pressfree(
            "case",
            "verdict",
            case,
            "--date",
            "2021-10-01",
            "--outcome",
            "convicted",
            "--sentence",
            "6y",
            *SOURCE,
        )
        pressfree("case", "appeal", case, "--date", "2021-10-20")
        pressfree(
            "case",
            "verdict",
            case,
            "--date",
            "2021-12-10",
            "--outcome",
            "convicted",
            "--sentence",
            "6y",
            "--note",
            "appeal court upheld the sentence",
            *SOURCE,
        )
        pressfree(
            "case",
            "transfer",
            case,
            "--date",
            "2021-12-20",
            "--to",
            "Penal colony No. 4, Homiel",
            *SOURCE,
        )
        case = pressfree(
            "case",
            "open",
            "Ihar Uzorny",
            "--type",
            "criminal",
            "--date",
            "2021-08-02",
            "--charge",
            "Criminal Code art. 130",
            "--charge",
            "Criminal Code art. 243",
            "--incident",
            ihar,
            "--by",
            "KGB",
            *SOURCE,
        )
        pressfree(
            "case",
            "charge",
            "drop",
            case,
            "--charge",
            "Criminal Code art. 243",
            "--date",
            "2021-11-05",
            *SOURCE,
        )
        pressfree(
            "case",
            "transfer",
            case,
            "--date",
            "2021-08-05",
            "--to",
            "Pre-trial detention centre No. 1, Hrodna",
            *SOURCE,
        )
        case = pressfree(
            "case",
            "open",
            "Paval Testavy",
            "--type",
            "administrative",
            "--date",
            "2021-11-21",
            "--charge",
            "Code of Administrative Offences art. 19.11",
            "--incident",
            pavel,
            "--by",
            "Minsk district court",
            *SOURCE,
        )
        pressfree(
            "case",
            "verdict",
            case,
            "--date",
            "2021-11-22",
            "--outcome",
            "convicted",
            "--sentence",
            "15d",
            *SOURCE,
        )
        pressfree(
            "tally",
            "add",
            "journalists-in-custody",
            "30",
            "--as-of",
            "2021-12-01",
            "--country",
            "BY",
            "--publisher",
            "Invented example",
            "--source",
            "https://example.org/invented-count",
        )
        out = HERE / "cases-invented.json"
        pressfree("export", "--format", "json", "--out", str(out))
        print(f"wrote {out}")


if __name__ == "__main__":
    main()
