"""What a report is about: a target and its scope (DESIGN §3 "Target scope").

- ``domain``: the registrable domain and all its subdomains (the default). ``www.acme.com``,
  ``https://blog.acme.com/x`` and ``acme.com`` all mean the domain ``acme.com``.
- ``host``: exactly one host name.
- ``prefix``: URLs starting with a prefix. Without a scheme, both ``http://`` and
  ``https://`` match (``acme.com/blog`` matches ``https://acme.com/blog/post``).
- ``url``: one URL (normalized); without a scheme, its http and https forms.
"""

from __future__ import annotations

from dataclasses import dataclass

from linkatlas.errors import UsageError
from linkatlas.extract.domains import domain_of
from linkatlas.extract.urls import extract_host, normalize_url

__all__ = ["SCOPES", "Target", "parse_target"]

SCOPES = ("domain", "host", "prefix", "url")


@dataclass(frozen=True)
class Target:
    value: str  # what the user asked for, canonical: domain, host, prefix or URL
    scope: str
    domain: str  # registrable domain of the target (a backlink's source must differ from it)
    patterns: tuple[str, ...] = ()  # prefix/url: the canonical URL forms matched

    def predicate(self, prefix: str = "target") -> tuple[str, dict]:
        """SQL condition on the domain, host and URL columns named by ``prefix``, with its
        parameters: ``"l.target"`` → ``l.target_domain`` ...; ``"f."`` → ``f.domain`` ..."""
        domain, host, column = (f"{prefix}{name}" if prefix.endswith(".") else f"{prefix}_{name}"
                                for name in ("domain", "host", "url"))
        if self.scope == "domain":
            return f"{domain} = $target_value", {"target_value": self.value}
        if self.scope == "host":  # the domain test lets DuckDB skip row groups (tables sorted by target)
            return f"{domain} = $target_domain AND {host} = $target_value", {"target_value": self.value,
                                                                           "target_domain": self.domain}
        operator = "starts_with({column}, {param})" if self.scope == "prefix" else "{column} = {param}"
        clauses = [operator.format(column=column, param=f"$target_pattern{i}") for i in range(len(self.patterns))]
        params = {f"target_pattern{i}": pattern for i, pattern in enumerate(self.patterns)}
        params["target_domain"] = self.domain
        # the domain test lets DuckDB skip row groups before comparing URLs
        return f"{domain} = $target_domain AND ({' OR '.join(clauses)})", params

    def as_dict(self) -> dict:
        return {"target": self.value, "scope": self.scope}


def parse_target(text: str, scope: str = "domain") -> Target:
    """Read a target as typed on the command line; raises UsageError for an unusable one."""
    if scope not in SCOPES:
        raise UsageError(f"--scope {scope!r}: choose one of {', '.join(SCOPES)}")
    text = (text or "").strip()
    host = extract_host(text)
    if not host or "." not in host.strip("[]") and host != "localhost":
        raise UsageError(f"target {text!r}: give a domain (acme.com), a host or a URL")
    domain = domain_of(host)
    if scope == "domain":
        return Target(domain, scope, domain)
    if scope == "host":
        return Target(host, scope, domain)
    patterns = _url_forms(text)
    if not patterns:
        raise UsageError(f"target {text!r}: not a usable URL for --scope {scope}")
    return Target(patterns[0], scope, domain, patterns)


def _url_forms(text: str) -> tuple[str, ...]:
    if text.lower().startswith(("http://", "https://")):
        candidates = [text]
    else:
        candidates = [f"https://{text}", f"http://{text}"]
    forms = (normalize_url(candidate) for candidate in candidates)
    return tuple(dict.fromkeys(form for form in forms if form))
