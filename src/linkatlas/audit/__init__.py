"""The backlink audit: toxic markers with evidence, toxicity, naturalness, lists and disavow."""

from linkatlas.audit.settings import AuditSettings, audit_settings

__all__ = ["AuditSettings", "audit_settings"]
