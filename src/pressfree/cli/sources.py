"""A command line's sources: each --source with the --publisher, --source-title and
--published that follow it, as a researcher types them:

    --source URL1 --publisher BAJ --source URL2 --publisher Viasna

When no option is repeated, a value given before the first --source or after the last is
every source's (`--source A --source B --publisher BAJ`, as scripts have always written it).
Anything else that could be read two ways is refused, naming the option and its value; a
value is never silently given to a source it does not follow. Without a --source, each
--publisher starts a source of its own.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperCommand

from pressfree.errors import InvalidValue

ORDER = "pressfree.order"
# What belongs to the source before it, by parameter name, and its option as typed
ATTACHED = {
    "publisher": "--publisher",
    "source_title": "--source-title",
    "published": "--published",
}
KEYS = {"publisher": "publisher", "source_title": "title", "published": "published"}


class InOrder(TyperCommand):
    """A command that remembers the order its options were typed in (ctx.meta[ORDER]):
    Click keeps the values of a repeated option in order, but not how they interleave."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        _, _, order = self.make_parser(ctx).parse_args(args=list(args))
        ctx.meta[ORDER] = [param.name for param in order]
        return super().parse_args(ctx, args)


def paired(
    order: list[str], urls: list[str] | None, values: dict[str, list[str] | None]
) -> list[dict[str, str | None]]:
    """The sources the options describe, each a dict of url, publisher, title, published.
    `order` is the parameters' names in the order typed (InOrder); `values` holds each
    attached option's values in order. Without a --source, each --publisher starts one."""
    urls = list(urls or [])
    given = {name: list(values.get(name) or []) for name in ATTACHED}
    if given["published"] and not (urls or given["publisher"] or given["source_title"]):
        raise InvalidValue(
            "--published",
            given["published"][0],
            "needs a source: give --source, --publisher or --source-title too",
        )
    starter = "source" if urls else "publisher" if given["publisher"] else None
    if starter is None:
        return (
            [_source(None, {KEYS[n]: v[0] for n, v in given.items() if v})]
            if any(given.values())
            else []
        )
    firsts = iter(urls) if starter == "source" else iter(given["publisher"])
    sources: list[dict[str, str]] = []
    leading: dict[str, str] = {}
    left = {name: iter(vals) for name, vals in given.items()}
    for name in order:
        if name == starter:
            first = next(firsts)
            sources.append({"url": first} if starter == "source" else {"publisher": first})
        elif name in ATTACHED:
            value = next(left[name])
            if not sources:
                leading[name] = value
            elif KEYS[name] in sources[-1]:
                where = sources[-1].get("url") or sources[-1].get("publisher")
                raise InvalidValue(
                    ATTACHED[name],
                    value,
                    f"is the second after the source {where!r}: give one after each "
                    f"--{starter.replace('_', '-')}",
                )
            else:
                sources[-1][KEYS[name]] = value
    # Once any option is repeated, each value is its source's alone; else one value before
    # the first source or after the last is every source's, as scripts have long written.
    each_its_own = any(len(vals) > 1 for vals in given.values())
    for name, vals in given.items():
        key = KEYS[name]
        if name in leading and each_its_own:
            raise InvalidValue(
                ATTACHED[name],
                leading[name],
                f"comes before any --{starter}: give each {ATTACHED[name]} after its --{starter}",
            )
        if each_its_own or len(vals) != 1 or name == starter:
            continue
        holders = [s for s in sources if key in s]
        if name in leading or holders[0] is sources[-1]:
            for source in sources:
                source[key] = vals[0]
        else:
            raise InvalidValue(
                ATTACHED[name],
                vals[0],
                f"follows the source {holders[0].get('url') or holders[0].get('publisher')!r} "
                f"but not the ones after it: give one {ATTACHED[name]} after each "
                f"--{starter}, or one after the last",
            )
    return [_source(s.get("url"), s) for s in sources]


def _source(url: str | None, fields: dict[str, str]) -> dict[str, str | None]:
    return {
        "url": url,
        "publisher": fields.get("publisher"),
        "title": fields.get("title"),
        "published": fields.get("published"),
    }
