"""Link-graph numerics on integer edge arrays: PageRank and harmonic centrality.

A graph here is ``n`` nodes numbered ``0..n-1`` and parallel arrays ``sources``/``targets``
(one entry per distinct edge). Everything is vectorised NumPy/SciPy: no Python loop runs
over edges or nodes, only over PageRank iterations and BFS levels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = ["pagerank", "harmonic_centrality", "HarmonicResult", "in_adjacency", "out_adjacency"]

_BITS = 64
_PUSH_SHARE = 0.1  # a BFS level pushes along the frontier's out-edges when they are < 10 % of all edges


def _csr(rows: np.ndarray, columns: np.ndarray, n: int, values: np.ndarray | None = None) -> sp.csr_matrix:
    """CSR of the edges grouped by ``rows`` (SciPy's COO→CSR: a counting sort, linear in the edges)."""
    data = np.ones(len(rows), dtype=np.float64) if values is None else values
    return sp.csr_matrix((data, (rows, columns)), shape=(n, n))


def in_adjacency(sources: np.ndarray, targets: np.ndarray, n: int, values: np.ndarray | None = None) -> sp.csr_matrix:
    """Row ``t`` holds the sources linking to ``t`` (the matrix PageRank multiplies by)."""
    return _csr(targets, sources, n, values)


def out_adjacency(sources: np.ndarray, targets: np.ndarray, n: int) -> sp.csr_matrix:
    """Row ``s`` holds the targets ``s`` links to."""
    return _csr(sources, targets, n)


def pagerank(
    sources: np.ndarray,
    targets: np.ndarray,
    n: int,
    *,
    weights: np.ndarray | None = None,
    damping: float = 0.85,
    tolerance: float = 1e-10,
    max_iterations: int = 500,
    out_degree: np.ndarray | None = None,
) -> tuple[np.ndarray, int]:
    """PageRank by power iteration; returns (scores summing to 1, iterations).

    A node passes ``damping`` of its score evenly over its ``out_degree`` links (default:
    its number of edges); an edge of weight ``w`` < 1 delivers only that share of its part.
    Whatever is not delivered — all of a dangling node's score, the undelivered shares —
    is spread uniformly with the teleport, so the scores keep summing to 1. With no weights
    this is textbook PageRank with uniform teleport and dangling mass redistributed
    uniformly (networkx's and igraph's default). Stops when the L1 change is < ``tolerance``.
    """
    if n == 0:
        return np.zeros(0), 0
    sources = np.asarray(sources)
    degree = np.bincount(sources, minlength=n).astype(np.float64) if out_degree is None else out_degree
    share = np.divide(1.0, degree, out=np.zeros(n), where=degree > 0)
    values = share[sources] if weights is None else share[sources] * weights
    matrix = in_adjacency(sources, np.asarray(targets), n, values)
    scores = np.full(n, 1.0 / n)
    for iteration in range(1, max_iterations + 1):
        passed = matrix @ scores
        passed *= damping
        passed += (1.0 - passed.sum()) / n
        change = np.abs(passed - scores).sum()
        scores = passed
        if change < tolerance:
            return scores, iteration
    return scores, max_iterations


@dataclass
class HarmonicResult:
    values: np.ndarray  # estimated sum over voters u of weight(u) / d(u, v), per node v
    exact: bool
    pivots: int


def harmonic_centrality(
    sources: np.ndarray,
    targets: np.ndarray,
    n: int,
    *,
    voter_weights: np.ndarray | None = None,
    pivots: int = 64,
    exact_up_to: int = 4096,
    seed: int = 0,
) -> HarmonicResult:
    """Incoming harmonic centrality ``H(v) = Σ_u w(u) / d(u, v)`` (unreachable pairs add 0).

    ``d(u, v)`` is the number of links on the shortest path from ``u`` to ``v``; ``w(u)`` is
    ``voter_weights`` (default 1). Only nodes with links can be ``u``: call them voters.
    Exact — a BFS from every voter — when there are at most ``exact_up_to`` voters;
    otherwise estimated from ``pivots`` voters drawn uniformly without replacement
    (Eppstein–Wang sampling): ``H(v) ≈ V/k · Σ_{sampled u} w(u) / d(u, v)`` for V voters,
    unbiased, with a relative error shrinking like 1/sqrt(k). The BFS runs 64 sources at once, one bit
    of a uint64 per source, pulling along in-edges for big frontiers and pushing along the
    frontier's out-edges for small ones.
    """
    weights = np.ones(n) if voter_weights is None else np.asarray(voter_weights, dtype=np.float64)
    if n == 0:
        return HarmonicResult(np.zeros(0), True, 0)
    sources = np.asarray(sources)
    targets = np.asarray(targets)
    voters = np.flatnonzero(np.bincount(sources, minlength=n))  # a node without links reaches nobody
    exact = len(voters) <= max(exact_up_to, pivots)
    if exact:
        chosen, scale = voters, 1.0
    else:
        chosen = np.sort(np.random.default_rng(seed).choice(voters, size=pivots, replace=False))
        scale = len(voters) / pivots
    incoming = in_adjacency(sources, targets, n)
    outgoing = out_adjacency(sources, targets, n)
    totals = np.zeros(n)
    for start in range(0, len(chosen), _BITS):
        batch = chosen[start:start + _BITS]
        totals += _bit_parallel_bfs(incoming, outgoing, batch, weights[batch])
    return HarmonicResult(totals * scale, exact, len(chosen))


def _bit_parallel_bfs(incoming: sp.csr_matrix, outgoing: sp.csr_matrix, batch: np.ndarray,
                      batch_weights: np.ndarray) -> np.ndarray:
    """Σ over the sources in ``batch`` (≤ 64) of weight / distance to every node."""
    n = incoming.shape[0]
    bits = np.left_shift(np.uint64(1), np.arange(len(batch), dtype=np.uint64))
    reached = np.zeros(n, dtype=np.uint64)
    np.bitwise_or.at(reached, batch, bits)
    frontier = reached.copy()
    uniform = bool(np.all(batch_weights == batch_weights[0]))
    totals = np.zeros(n)
    level = 0
    active = np.unique(batch)
    while active.size:
        level += 1
        arrived = _next_level(incoming, outgoing, frontier, active)
        arrived &= ~reached
        active = np.flatnonzero(arrived)
        if not active.size:
            break
        reached[active] |= arrived[active]
        totals[active] += _weighted_count(arrived[active], batch_weights, uniform) / level
        frontier = arrived
    return totals


def _next_level(incoming: sp.csr_matrix, outgoing: sp.csr_matrix, frontier: np.ndarray,
                active: np.ndarray) -> np.ndarray:
    """Bits of the sources whose BFS reaches each node one link beyond ``frontier``."""
    n = incoming.shape[0]
    starts, ends = outgoing.indptr[active], outgoing.indptr[active + 1]
    pushed = int((ends - starts).sum())
    arrived = np.zeros(n, dtype=np.uint64)
    if pushed == 0:
        return arrived
    if pushed < _PUSH_SHARE * outgoing.nnz:
        lengths = ends - starts
        edge_index = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(pushed)
        np.bitwise_or.at(arrived, outgoing.indices[edge_index], np.repeat(frontier[active], lengths))
        return arrived
    gathered = frontier[incoming.indices]
    nonempty = np.flatnonzero(np.diff(incoming.indptr))
    if nonempty.size:
        arrived[nonempty] = np.bitwise_or.reduceat(gathered, incoming.indptr[nonempty])
    return arrived


def _weighted_count(masks: np.ndarray, batch_weights: np.ndarray, uniform: bool) -> np.ndarray:
    if uniform:
        return np.bitwise_count(masks).astype(np.float64) * batch_weights[0]
    total = np.zeros(len(masks))
    for bit, weight in enumerate(batch_weights):
        total += ((masks >> np.uint64(bit)) & np.uint64(1)).astype(np.float64) * weight
    return total
