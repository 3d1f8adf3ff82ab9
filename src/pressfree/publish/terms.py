"""The fixed values a reader sees (case statuses, verdicts, sentence types, charge
categories), by the slug or word the store keeps, marked for the catalogues: Words.term says
each in the reader's language. A value added by users (a new category) has no entry and is
shown by its own name."""

from __future__ import annotations

from pressfree.languages import N_

TERMS: dict[str, dict[str, str]] = {
    # An incident's status (store/models.STATUSES), and "restricted": left out of what is
    # published, whatever its status.
    "status": {
        "reported": N_("reported"),
        "confirmed": N_("confirmed"),
        "disputed": N_("disputed"),
        "retracted": N_("retracted"),
        "withdrawn": N_("withdrawn"),
        "restricted": N_("restricted"),
    },
    "case_status": {
        "pending": N_("pending"),
        "dropped": N_("dropped"),
        "convicted": N_("convicted"),
        "acquitted": N_("acquitted"),
        "dismissed": N_("dismissed"),
        "on appeal": N_("on appeal"),
        "closed": N_("closed"),
    },
    "sentence_type": {
        "prison": N_("prison"),
        "restricted-freedom": N_("restricted freedom"),
        "fine": N_("fine"),
        "administrative-arrest": N_("administrative arrest"),
        "suspended": N_("suspended sentence"),
    },
    "category": {
        "anti-state": N_("anti-state"),
        "false-news": N_("false news"),
        "retaliatory": N_("retaliatory"),
        "criminal-defamation": N_("criminal defamation"),
        "ethnic-or-religious-insult": N_("ethnic or religious insult"),
        "no-charge-disclosed": N_("no charge disclosed"),
        "other": N_("other"),
        "not-classified": N_("not classified"),
    },
}
# What narrowed a summary's incidents (publish/summary.narrowing), by filter; "{value}" is
# the filter's value as the reader's language says it.
NARROWING = {
    "kind": N_("kind {value}"),
    "journalist": N_("journalist {value}"),
    "outlet": N_("outlet {value}"),
    "publisher": N_("publisher {value}"),
    "status": N_("status {value}"),
    "tag": N_("tag {value}"),
    "search": N_("search {value}"),
    "where": "{field}={value}",
    "affiliated": N_("with its affiliated journalists"),
    "updated_since": N_("updated since {value}"),
    "updated_before": N_("updated before {value}"),
    "include_new": N_("or recorded then"),
}
# Between the kinds of one --kind filter: "kind raid or detention"
OR = N_(" or ")
# What a census entry says when nothing is known (publish/census.py)
NO_CASE = N_("no case recorded")
NO_CHARGE = N_("no charge disclosed")
