"""The backlink audit: toxic markers with evidence, toxicity, naturalness, lists and disavow."""

from linkatlas.audit.markers import CATEGORIES, MARKERS, Marker, register
from linkatlas.audit.settings import AuditSettings, audit_settings
from linkatlas.audit.toxicity import (ToxicityResult, explain, level_of, profile_level, score,
                                      toxic_referring_domains)

__all__ = ["AuditSettings", "audit_settings", "CATEGORIES", "MARKERS", "Marker", "register", "ToxicityResult",
           "score", "explain", "level_of", "profile_level", "toxic_referring_domains"]
