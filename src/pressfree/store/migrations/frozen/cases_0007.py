"""Frozen for migration 0007 (see __init__): cases.law_key as it stood on 2026-12-07."""

import re


def law_key(text: str) -> str:
    """The same article however it is typed: "Criminal Code, Article 342" is "criminal code
    art. 342" (case, dots, commas, "Article" and spacing ignored)."""
    folded = re.sub(r"[.,;:№#]", " ", text.casefold())
    folded = re.sub(r"\b(?:article|artikel|art|статья|ст|артыкул|арт)\b", "art", folded)
    return " ".join(folded.split())
