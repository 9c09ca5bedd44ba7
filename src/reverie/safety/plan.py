"""The Stanley-Brown safety plan (Stanley & Brown, 2012): six steps written by therapist and client together."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reverie.errors import InputError

PLAN_STEPS: dict[str, str] = {  # Stanley & Brown (2012), the six steps in order
    "warning_signs": "Warning signs that a crisis may be developing",
    "internal_coping": "Things I can do on my own to take my mind off my problems",
    "distraction_people_places": "People and social places that help me take my mind off things",
    "people_to_ask": "People I can ask for help",
    "professionals_and_lines": "Professionals, services and crisis lines I can contact",
    "environment_safety": "Making the environment safe",
}


@dataclass
class SafetyPlan:
    """A Stanley-Brown safety plan, written by therapist and client together."""

    warning_signs: list[str] = field(default_factory=list)
    internal_coping: list[str] = field(default_factory=list)
    distraction_people_places: list[str] = field(default_factory=list)
    people_to_ask: list[str] = field(default_factory=list)
    professionals_and_lines: list[str] = field(default_factory=list)
    environment_safety: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, k) for k in PLAN_STEPS)

    def to_dict(self) -> dict[str, list[str]]:
        return {k: list(getattr(self, k)) for k in PLAN_STEPS}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> SafetyPlan:
        unknown = set(d) - set(PLAN_STEPS)
        if unknown:
            raise InputError(f"safety plan has unknown section(s) {sorted(unknown)}",
                             hint=f"the sections are: {', '.join(PLAN_STEPS)}")
        values: dict[str, list[str]] = {}
        for key in PLAN_STEPS:
            items = d.get(key) or []
            if isinstance(items, str) or not all(isinstance(i, str) for i in items):
                raise InputError(f"safety plan section '{key}' must be a list of texts",
                                 hint='write e.g. "warning_signs": ["I stop answering messages"]')
            values[key] = [i.strip() for i in items if i.strip()]
        return cls(**values)

    def render_text(self) -> str:
        out = ["My safety plan"]
        for n, (key, title) in enumerate(PLAN_STEPS.items(), start=1):
            out.append(f"\n{n}. {title}")
            out += [f"   - {item}" for item in getattr(self, key)] or ["   (not filled in yet)"]
        return "\n".join(out)
