"""Link-graph numerics on integer edge arrays: PageRank and harmonic centrality.

A graph here is ``n`` nodes numbered ``0..n-1`` and parallel arrays ``sources``/``targets``
(one entry per distinct edge). Everything is vectorised NumPy/SciPy: no Python loop runs
over edges or nodes, only over PageRank iterations and BFS levels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = ["pagerank", "harmonic_centrality", "HarmonicResult", "in_adjacency", "out_adjacency", "transposed"]

_BITS = 64
_PUSH_SHARE = 0.3  # a BFS level pushes when that walks < 30 % of the edges pulling would (scattering costs more)
_FULL_PULL_SHARE = 0.4  # ... and pulls into every node when the open ones hold > 40 % of all edges
_INT32_LIMIT = 2**31 - 1


def _csr(rows: np.ndarray, columns: np.ndarray, n: int, values: np.ndarray | None = None,
         dtype: type = np.float64) -> sp.csr_matrix:
    """CSR of the edges grouped by ``rows``.

    Edges already sorted by row (as ``load_domain_graph`` hands them over) become the matrix
    as they are: the row pointers come from one ``bincount`` and ``columns`` is used without a
    copy when it is int32. Others go through SciPy's COO→CSR, a counting sort linear in the edges.
    """
    data = np.ones(len(rows), dtype=dtype) if values is None else np.asarray(values, dtype=dtype)
    if len(rows) < _INT32_LIMIT and _is_sorted(rows):
        indptr = np.zeros(n + 1, dtype=np.int32)
        np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
        return sp.csr_matrix((data, np.asarray(columns, dtype=np.int32), indptr), shape=(n, n), copy=False)
    return sp.csr_matrix((data, (rows, columns)), shape=(n, n))


def _is_sorted(values: np.ndarray) -> bool:
    return len(values) < 2 or not bool((values[1:] < values[:-1]).any())


def in_adjacency(sources: np.ndarray, targets: np.ndarray, n: int, values: np.ndarray | None = None) -> sp.csr_matrix:
    """Row ``t`` holds the sources linking to ``t`` (the matrix PageRank multiplies by)."""
    return _csr(np.asarray(targets), sources, n, values)


def out_adjacency(sources: np.ndarray, targets: np.ndarray, n: int) -> sp.csr_matrix:
    """Row ``s`` holds the targets ``s`` links to."""
    return _csr(np.asarray(sources), targets, n)


def transposed(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """The CSR of ``matrix``'s transpose (in-adjacency ↔ out-adjacency), one linear pass."""
    return matrix.T.tocsr()


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
    Edges sorted by target make the matrix without a copy.
    """
    if n == 0:
        return np.zeros(0), 0
    sources = np.asarray(sources)
    degree = np.bincount(sources, minlength=n).astype(np.float64) if out_degree is None else out_degree
    share = np.divide(damping, degree, out=np.zeros(n), where=degree > 0)
    values = np.take(share, sources)
    if weights is not None:
        values *= weights
    matrix = in_adjacency(sources, targets, n, values)
    scores = np.full(n, 1.0 / n)
    change = np.empty(n)
    for iteration in range(1, max_iterations + 1):
        passed = matrix @ scores
        passed += (1.0 - passed.sum()) / n
        np.subtract(passed, scores, out=change)
        np.abs(change, out=change)
        scores = passed
        if change.sum() < tolerance:
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
    links = _Links(_csr(np.asarray(targets), sources, n, dtype=np.int8))
    voters = np.flatnonzero(np.diff(links.out_indptr))  # a node without links reaches nobody
    exact = len(voters) <= max(exact_up_to, pivots)
    if exact:
        chosen, scale = voters, 1.0
    else:
        chosen = np.sort(np.random.default_rng(seed).choice(voters, size=pivots, replace=False))
        scale = len(voters) / pivots
    totals = np.zeros(n)
    for start in range(0, len(chosen), _BITS):
        batch = chosen[start:start + _BITS]
        totals += _bit_parallel_bfs(links, batch, weights[batch])
    return HarmonicResult(totals * scale, exact, len(chosen))


class _Links:
    """Both directions of a graph for BFS, with the buffers a level reuses."""

    def __init__(self, incoming: sp.csr_matrix) -> None:
        outgoing = transposed(incoming)
        self.n = incoming.shape[0]
        self.edges = incoming.nnz
        self.in_indptr, self.in_indices = incoming.indptr, incoming.indices
        self.out_indptr, self.out_indices = outgoing.indptr, outgoing.indices
        self.in_degree = np.diff(incoming.indptr)
        self.rows = np.flatnonzero(self.in_degree)  # nodes with in-links
        self.gathered = np.empty(self.edges, dtype=np.uint64)

    def next_level(self, frontier: np.ndarray, active: np.ndarray, open_rows: np.ndarray) -> np.ndarray:
        """Bits of the sources whose BFS reaches each node one link beyond ``frontier``.

        Walks the fewest edges: pushes along the out-edges of the frontier's ``active``
        nodes, or lets each of the ``open_rows`` (nodes some source has not reached yet) pull
        (OR) the frontier bits of its in-neighbours — all nodes at once while most are open.
        """
        arrived = np.zeros(self.n, dtype=np.uint64)
        pushed = int((self.out_indptr[active + 1] - self.out_indptr[active]).sum())
        pulled = int(self.in_degree[open_rows].sum())
        if pushed == 0 or pulled == 0:
            return arrived
        if pushed <= _PUSH_SHARE * pulled:
            targets = self.out_indices[_edge_range(self.out_indptr, active)]
            np.bitwise_or.at(arrived, targets, np.repeat(frontier[active], self.out_indptr[active + 1] - self.out_indptr[active]))
        elif pulled > _FULL_PULL_SHARE * self.edges:
            np.take(frontier, self.in_indices, out=self.gathered)
            arrived[self.rows] = np.bitwise_or.reduceat(self.gathered, self.in_indptr[self.rows])
        else:
            rows = open_rows[self.in_degree[open_rows] > 0]
            gathered = frontier[self.in_indices[_edge_range(self.in_indptr, rows)]]
            starts = np.cumsum(self.in_degree[rows]) - self.in_degree[rows]
            arrived[rows] = np.bitwise_or.reduceat(gathered, starts)
        return arrived


def _edge_range(indptr: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Positions of the edges of ``rows`` in a CSR, concatenated."""
    starts = indptr[rows]
    lengths = indptr[rows + 1] - starts
    return np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))


def _bit_parallel_bfs(links: _Links, batch: np.ndarray, batch_weights: np.ndarray) -> np.ndarray:
    """Σ over the sources in ``batch`` (≤ 64) of weight / distance to every node."""
    bits = np.left_shift(np.uint64(1), np.arange(len(batch), dtype=np.uint64))
    reached = np.zeros(links.n, dtype=np.uint64)
    np.bitwise_or.at(reached, batch, bits)
    frontier = reached.copy()
    everyone = np.bitwise_or.reduce(bits)
    weight_masks = _weight_masks(bits, batch_weights)
    totals = np.zeros(links.n)
    level = 0
    active = np.unique(batch)
    while active.size:
        level += 1
        arrived = links.next_level(frontier, active, np.flatnonzero(reached != everyone))
        arrived &= ~reached
        active = np.flatnonzero(arrived)
        if not active.size:
            break
        reached[active] |= arrived[active]
        totals[active] += _weighted_count(arrived[active], weight_masks) / level
        frontier = arrived
    return totals


def _weight_masks(bits: np.ndarray, batch_weights: np.ndarray) -> list[tuple[np.uint64, float]]:
    """(mask of the batch's sources with this weight, weight) for each distinct weight."""
    return [(np.bitwise_or.reduce(bits[batch_weights == weight]), float(weight))
            for weight in np.unique(batch_weights)]


def _weighted_count(masks: np.ndarray, weight_masks: list[tuple[np.uint64, float]]) -> np.ndarray:
    """Σ of the weights of the sources whose bit is set, per mask (one popcount per distinct weight)."""
    if len(weight_masks) == 1:
        return np.bitwise_count(masks).astype(np.float64) * weight_masks[0][1]
    total = np.zeros(len(masks))
    for mask, weight in weight_masks:
        total += np.bitwise_count(masks & mask).astype(np.float64) * weight
    return total
