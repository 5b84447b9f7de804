"""A memo for pure functions of strings that stays small whatever the input.

``functools.lru_cache`` bounds the number of entries, not their size: a hostile page full of
8 KB URLs would fill a 32 K-entry cache with hundreds of MB. :func:`short_key_cache` remembers
only calls whose string arguments total at most ``max_chars`` characters (every real host,
URL and class name) and computes longer ones each time.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

__all__ = ["short_key_cache"]

Result = TypeVar("Result")


def short_key_cache(maxsize: int, max_chars: int) -> Callable[[Callable[..., Result]], Callable[..., Result]]:
    """Decorate a pure function: an LRU memo of ``maxsize`` entries for calls with short strings."""

    def decorate(function: Callable[..., Result]) -> Callable[..., Result]:
        cached = functools.lru_cache(maxsize=maxsize)(function)
        if function.__code__.co_argcount == 1 and not function.__code__.co_flags & 0x04:  # one argument, no *args

            @functools.wraps(function)
            def call_one(argument):  # the hot case (hosts, domains, URLs) without the general checks
                return cached(argument) if len(argument) <= max_chars else function(argument)

            call_one.cache_info = cached.cache_info  # type: ignore[attr-defined]
            call_one.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
            return call_one

        @functools.wraps(function)
        def call(*args):
            if len(args) == 1:  # the common case, kept short
                return cached(*args) if len(args[0]) <= max_chars else function(*args)
            size = 0
            for argument in args:
                if argument.__class__ is str:
                    size += len(argument)
            return cached(*args) if size <= max_chars else function(*args)

        call.cache_info = cached.cache_info  # type: ignore[attr-defined]
        call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return call

    return decorate
