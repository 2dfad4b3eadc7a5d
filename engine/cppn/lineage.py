"""The history of a breeding session as a tree: every adopted picture is a child of the one it
was bred from, so going back and adopting another child starts a new branch and keeps the old
one; a crossed child names its second parent (its mate) too. Back goes to the parent; forward
goes down the branch last walked. Favourites are marked nodes. Each node keeps its whole genome,
so any picture comes back bit for bit.

At most :data:`MAX_NODES` are kept: past that the oldest leaf that is neither a favourite nor on
the way from the root to the current picture is forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.cppn.genome import Genome

MAX_NODES = 400


@dataclass
class Node:
    id: int
    genome: Genome
    note: str                     # how it was made: "start", "weight noise (0.30)", ...
    parent: int | None
    children: list[int] = field(default_factory=list)
    mate: int | None = None       # a crossed child's second parent


class Lineage:
    """A tree of genomes with a current node."""

    def __init__(self, root: Genome, note: str = "start"):
        self.nodes: dict[int, Node] = {0: Node(0, root, note, None)}
        self.current = 0
        self.favourites: list[int] = []
        self._next_id = 1
        self._walked: dict[int, int] = {}     # node -> the child last left from or adopted

    @property
    def genome(self) -> Genome:
        return self.nodes[self.current].genome

    def adopt(self, genome: Genome, note: str, mate: int | None = None) -> Node:
        """``genome`` becomes a child of the current node (and of ``mate``, for a crossed
        child) and the current one."""
        node = Node(self._next_id, genome, note, self.current, mate=mate)
        self._next_id += 1
        self.nodes[node.id] = node
        self.nodes[self.current].children.append(node.id)
        self._walked[self.current] = node.id
        self.current = node.id
        self._forget_old()
        return node

    def can_go_back(self) -> bool:
        return self.nodes[self.current].parent is not None

    def can_go_forward(self) -> bool:
        return self.current in self._walked

    def back(self) -> Genome | None:
        parent = self.nodes[self.current].parent
        if parent is None:
            return None
        self._walked[parent] = self.current
        self.current = parent
        return self.genome

    def forward(self) -> Genome | None:
        child = self._walked.get(self.current)
        if child is None:
            return None
        self.current = child
        return self.genome

    def go(self, node_id: int) -> Genome:
        if node_id not in self.nodes:
            raise KeyError(f"no picture {node_id} in this history")
        self.current = node_id
        return self.genome

    def toggle_favourite(self, node_id: int | None = None) -> bool:
        """Mark (or unmark) a node; True when it is a favourite now."""
        node_id = self.current if node_id is None else node_id
        if node_id in self.favourites:
            self.favourites.remove(node_id)
            return False
        self.favourites.append(node_id)
        return True

    def path_to_current(self) -> list[int]:
        path, node = [], self.current
        while node is not None:
            path.append(node)
            node = self.nodes[node].parent
        return path[::-1]

    def _forget_old(self) -> None:
        while len(self.nodes) > MAX_NODES:
            keep = set(self.path_to_current()) | set(self.favourites)
            leaves = [n for n in self.nodes.values() if not n.children and n.id not in keep]
            if not leaves:
                return
            oldest = min(leaves, key=lambda n: n.id)
            self.nodes[oldest.parent].children.remove(oldest.id)
            if self._walked.get(oldest.parent) == oldest.id:
                del self._walked[oldest.parent]
            del self.nodes[oldest.id]
