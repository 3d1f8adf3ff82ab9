"""Random sequences of writes, through every path that changes the store (add, edit, note,
delete, restore, release, merge and its undo, aliases, designate and lift, cases, import and
its undo, copy), on both backends: after each step `pressfree check` finds nothing derived
out of date, and no command ends in a traceback."""

import json
import uuid

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from helpers import SAMPLE, Cli, discard

NAMES = ["Ales Test", "Ihar Losik", "Maryna Zolatava", "[full name unavailable]"]
DAYS = ["2021-07-01", "2021-07-10", "2021-08-01", "2021-08-20"]
WORDS = ["zebra", "quokka", "raid", "Losik"]
URLS = [f"https://example.org/{n}" for n in range(3)]
KINDS = ["detention", "arrest", "raid", "designation"]
# A refusal (1, 2) is the store saying no to a step this state does not allow; anything
# else, or an exception other than an exit, is a bug.
ALLOWED = (0, 1, 2)


def machine(templates, backend, folder):
    class Writes(RuleBasedStateMachine):
        @initialize()
        def start(self):
            mine = folder / uuid.uuid4().hex
            mine.mkdir()
            self.location = templates.clone(backend, mine)
            self.cli = Cli(env={"PRESSFREE_DB": self.location})
            self.incidents: list[str] = []
            self.add("detention", NAMES[0], DAYS[0], URLS[0], None)  # something to work on

        def teardown(self):
            if hasattr(self, "location"):
                discard(self.location)

        def run(self, *args, input=None):
            result = self.cli.invoke(*args, input=input)
            assert result.exception is None or isinstance(result.exception, SystemExit), (
                args,
                result.exception,
            )
            assert result.exit_code in ALLOWED, (args, result.exit_code, result.stderr)
            assert "(see `pressfree" not in result.stderr, (args, result.stderr)  # a usage slip
            return result

        def pick(self, data):
            return data.draw(st.sampled_from(self.incidents))

        @rule(
            kind=st.sampled_from(KINDS[:3]),
            name=st.sampled_from(NAMES),
            day=st.sampled_from(DAYS),
            url=st.sampled_from(URLS),
            title=st.none() | st.sampled_from(WORDS),
        )
        def add(self, kind, name, day, url, title):
            args = ["add", kind, "--date", day, "-j", name, "--source", url, "--force"]
            result = self.run(*args, *(["--source-title", title] if title else []))
            if result.exit_code == 0:
                self.incidents.append(result.stdout.strip())

        @rule(
            data=st.data(),
            change=st.sampled_from(["journalist", "date", "kind", "outlet", "status"]),
            value=st.integers(0, 3),
        )
        @precondition(lambda self: self.incidents)
        def edit(self, data, change, value):
            option = {
                "journalist": ["--replace", "-j", NAMES[value]],
                "date": ["--date", DAYS[value]],
                "kind": ["--kind", KINDS[value % 3]],
                "outlet": ["--replace", "-o", f"Outlet {value}"],
                "status": ["--status", ("reported", "confirmed", "disputed", "retracted")[value]],
            }[change]
            self.run("edit", self.pick(data), *option)

        @rule(data=st.data(), word=st.sampled_from(WORDS))
        @precondition(lambda self: self.incidents)
        def note(self, data, word):
            self.run("note", self.pick(data), f"Update {word}")

        @rule(data=st.data())
        @precondition(lambda self: self.incidents)
        def delete(self, data):
            self.run("delete", self.pick(data), "--yes")

        @rule(data=st.data())
        @precondition(lambda self: self.incidents)
        def restore(self, data):
            incident = self.pick(data)
            revisions = self.run("history", incident, "--format", "json")
            if revisions.exit_code == 0 and revisions.stdout.strip():
                rows = json.loads(revisions.stdout)
                to = data.draw(st.sampled_from([None] + [r["rev"] for r in rows]))
                self.run("restore", incident, *(["--to", to] if to else []))

        @rule(disputed=st.booleans())
        def publication_rule(self, disputed):
            self.run("rule", "--count", "reported", *(["--count", "disputed"] if disputed else []))

        @rule(name=st.sampled_from(NAMES), day=st.sampled_from(DAYS))
        def release(self, name, day):
            self.run("release", name, "--date", day)

        @rule(data=st.data())
        @precondition(lambda self: self.incidents)
        def merge(self, data):
            keep, drop = self.pick(data), self.pick(data)
            self.run("merge", "incident", keep, drop)

        @rule(data=st.data())
        def merge_undo(self, data):
            rows = json.loads(self.run("history", "--kind", "merge", "--format", "json").stdout)
            if rows:
                self.run("merge", "undo", str(data.draw(st.sampled_from(rows))["rev"]))

        @rule(keep=st.sampled_from(NAMES[:3]), drop=st.sampled_from(NAMES[:3]))
        def merge_journalists(self, keep, drop):
            self.run("merge", "journalist", keep, drop)

        @rule(name=st.sampled_from(NAMES[:3]), alias=st.sampled_from(WORDS))
        def alias(self, name, alias):
            self.run("journalists", "alias", name, f"{alias} {name}")

        @rule(outlet=st.integers(0, 2), day=st.sampled_from(DAYS))
        def designate(self, outlet, day):
            self.run(
                "designate",
                f"Outlet {outlet}",
                "--label",
                "extremist-formation",
                "--by",
                "KGB",
                "--date",
                day,
            )

        @rule(data=st.data(), day=st.sampled_from(DAYS))
        def lift(self, data, day):
            rows = json.loads(self.run("designations", "--format", "json").stdout or "[]")
            if rows:
                chosen = data.draw(st.sampled_from(rows))["id"]
                self.run("designations", "lift", chosen, "--date", day)

        @rule(name=st.sampled_from(NAMES[:3]), day=st.sampled_from(DAYS))
        def case(self, name, day):
            result = self.run(
                "case",
                "open",
                name,
                "--type",
                "criminal",
                "--date",
                day,
                "--charge",
                "Criminal Code art. 342",
            )
            if result.exit_code == 0:
                self.run(
                    "case",
                    "verdict",
                    result.stdout.strip(),
                    "--date",
                    "2021-09-01",
                    "--outcome",
                    "convicted",
                    "--sentence",
                    "2y",
                )

        @rule()
        def import_sample(self):
            self.run("import", SAMPLE)

        @rule()
        def imports_undo(self):
            rows = json.loads(self.run("imports", "--format", "json").stdout or "[]")
            if rows:
                self.run("imports", "undo", str(rows[0]["id"]), "--yes", "--force")

        @invariant()
        def derived_state_matches_the_facts(self):
            if hasattr(self, "cli"):
                result = self.cli.invoke("check")
                assert result.exit_code == 0, result.stdout + result.stderr

    return Writes


def test_every_sequence_of_writes_leaves_nothing_derived_out_of_date(backend, templates, tmp_path):
    run_state_machine_as_test(
        lambda: machine(templates, backend, tmp_path)(),
        settings=settings(max_examples=20, stateful_step_count=12),
    )
