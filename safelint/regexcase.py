"""Case-blind regexes run faster on lower-cased text: a search with ``re.IGNORECASE`` cannot look for a literal
first.  :func:`lowered_twin` gives the pattern to run there instead; the rule engine (rule regexes) and the hybrid
cascade (its cue words) use it (bench/regex_case_bench.py)."""

from __future__ import annotations

import re

_ESCAPE_OR_GROUP_NAME = re.compile(r"\\.|\(\?P(?:<\w+>|=\w+\))")
_INLINE_CASE_FLAGS = re.compile(r"\(\?[a-zA-Z-]*i[a-zA-Z-]*[:)]")  # (?i), (?-i:...), (?si:...)


def lowered_twin(blind: re.Pattern[str]) -> re.Pattern[str] | None:
    """The regex ``blind`` (compiled with ``re.IGNORECASE``) to run on a lower-cased ASCII string instead: the same
    pattern without the flag, which finds exactly the spans ``blind`` finds in the string as written.  ``None`` when
    the pattern holds an upper-case letter or an inline case flag (``(?-i:Frau|Mann)``: it reads case, so it runs on
    the string as written)."""
    bare = _ESCAPE_OR_GROUP_NAME.sub("", blind.pattern)
    if _INLINE_CASE_FLAGS.search(bare) or any(ch != ch.lower() for ch in bare):
        return None
    return re.compile(blind.pattern, blind.flags & ~re.IGNORECASE)
