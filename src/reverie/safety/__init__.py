"""Safety: the domain (the safety message and crisis contacts, the Stanley-Brown plan, risk flags) apart from the
service that screens new texts and opens therapists' tasks (``safety.tasks``, imported on its own: it loads the
``risk`` analyser).
"""

from reverie.domain import SOURCE_KINDS, RiskFlag
from reverie.safety.flags import flag_from_questionnaire, flags_from_annotation
from reverie.safety.message import (
    NOT_WATCHED_NOTE, SAFETY_EMERGENCY, SAFETY_INTRO, CrisisContact, SafetyMessage, crisis_contacts, safety_message,
)
from reverie.safety.plan import PLAN_STEPS, SafetyPlan

__all__ = ["NOT_WATCHED_NOTE", "PLAN_STEPS", "SAFETY_EMERGENCY", "SAFETY_INTRO", "SOURCE_KINDS", "CrisisContact",
           "RiskFlag", "SafetyMessage", "SafetyPlan", "crisis_contacts", "flag_from_questionnaire",
           "flags_from_annotation", "safety_message"]
