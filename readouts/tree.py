"""The topic tree, read in one query and walked in one place.

Topics are few (hundreds at most), so the whole tree is read at once: a topic's
subtopics, its ancestors, the order that puts parents first and the cycle check
are then walks in memory. The same walks serve the pages (keys are primary keys)
and the loader (keys are slugs, before the topics it defines are stored).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class TopicTree(Generic[K]):
    """Topics by key, each with its parent's key (None for a root)."""

    def __init__(
        self,
        parents: Mapping[K, K | None],
        by_slug: Mapping[str, K] | None = None,
        names: Mapping[K, str] | None = None,
    ):
        self.parents = dict(parents)
        self.by_slug = dict(by_slug or {})
        self.merged: dict[str, K] = {}
        self.names = dict(names or {})
        self.children: dict[K | None, list[K]] = defaultdict(list)
        for key, parent in self.parents.items():
            self.children[parent].append(key)

    @classmethod
    def stored(cls) -> TopicTree[int]:
        """The tree as stored, keyed by primary key (with each slug's key, and names)."""
        from .models import Topic

        rows = list(
            Topic.objects.order_by("name", "pk").values_list(
                "pk", "slug", "parent_id", "former_slugs", "name"
            )
        )
        tree = cls(
            {pk: parent for pk, _, parent, _, _ in rows},
            {slug: pk for pk, slug, _, _, _ in rows},
            {pk: name for pk, _, _, _, name in rows},
        )
        # The slugs of topics merged into others lead to those.
        tree.merged = {former: pk for pk, _, _, text, _ in rows if text for former in text.split()}
        return tree

    def key_of(self, slug: str) -> K | None:
        """The topic a slug names (a merged topic's slug: the topic kept), or None."""
        return self.by_slug.get(slug, self.merged.get(slug))

    def family(self, keys: Iterable[K]) -> set[K]:
        """The topics and all their subtopics, at any depth."""
        family: set[K] = set()
        stack = [key for key in keys if key in self.parents]
        while stack:
            key = stack.pop()
            if key not in family:
                family.add(key)
                stack.extend(self.children.get(key, ()))
        return family

    def ancestors(self, key: K) -> list[K]:
        """The parent, its parent, and so on up to a root (stopping at a cycle)."""
        return [parent for parent in self._walk_up(key) if parent != key]

    def with_ancestors(self, keys: Iterable[K]) -> set[K]:
        wanted = set(keys)
        for key in list(wanted):
            wanted.update(self.ancestors(key))
        return wanted

    def makes_cycle(self, key: K, parent: K | None) -> bool:
        """Whether putting key under parent would make key its own ancestor."""
        return parent is not None and (parent == key or key in self.ancestors(parent))

    def cycles(self) -> list[K]:
        """The keys that are their own ancestor."""
        return [key for key in self.parents if key in self._walk_up(key)]

    def _walk_up(self, key: K) -> list[K]:
        """The parent, its parent, and so on, until a root or a key met already (a cycle:
        the key itself when it is its own ancestor)."""
        seen: list[K] = []
        parent = self.parents.get(key)
        while parent is not None and parent not in seen:
            seen.append(parent)
            parent = self.parents.get(parent)
        return seen

    def parents_first(self, keys: Iterable[K]) -> list[K]:
        """The keys in depth-first order from their roots: every parent before its
        children, siblings in the order given."""
        chosen = list(dict.fromkeys(keys))
        known = set(chosen)
        under: dict[K | None, list[K]] = defaultdict(list)
        for key in chosen:
            under[self.parents.get(key) if self.parents.get(key) in known else None].append(key)
        ordered: list[K] = []
        stack = list(reversed(under[None]))
        while stack:
            key = stack.pop()
            ordered.append(key)
            stack.extend(reversed(under.get(key, [])))
        return ordered
