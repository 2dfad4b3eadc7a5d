"""The by-hand cleaning of one photo, as done off the GUI thread: the network's mask of the photo
(searched once per version of the pasted photo and network: brushing only refills), or the user's
own, grown or shrunk, corrected by the brushed layers, filled (feathered), and compared with the
classical fills. One caller thread at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Hashable

import numpy as np

from engine.deemoji.cleaning import Cleaned, Eagerness
from engine.deemoji.fills import Fill, Truth, compare_fills
from engine.deemoji.masks import MaskEdit, face_sized_regions
from engine.deemoji.networks import Cleaners, Network, network_key


@dataclass(frozen=True)
class HandResult:
    """One photo cleaned by hand: the network's view of it and the fills compared."""

    has_finder: bool
    found: Cleaned             # the network's own search: probability, mask and output (at
                               # the eagerness asked when it searched)
    mask: np.ndarray           # the mask filled: the network's (at the eagerness asked),
                               # corrected by the brush
    fills: list[Fill]
    face_sized: int = 0        # regions of the mask big enough to have hidden a face


class HandCleaning:
    """Keeps the cleaners and the last photo's search between requests."""

    def __init__(self):
        self.cleaners = Cleaners()
        self._found: tuple[Hashable, Eagerness, Cleaned] | None = None   # key, level, search

    def clean(self, network: Network, photo_key: Hashable, image: np.ndarray,
              added: np.ndarray, erased: np.ndarray, truth: Truth | None,
              cancelled: Callable[[], bool] | None = None,
              eagerness: Eagerness = Eagerness.USUAL, given: np.ndarray | None = None,
              edit: MaskEdit = MaskEdit()) -> HandResult:
        """Search ``image`` (unless this photo version was the last searched by this network),
        decide its mask with ``eagerness`` (or take the ``given`` one), change it by ``edit``,
        correct it with the brushed layers, fill, and compare."""
        eagerness = Eagerness(eagerness)   # a setting read back may be its plain value
        cleaner = self.cleaners.get(network)
        key = (photo_key, network_key(network))
        if self._found is None or self._found[0] != key:
            self._found = None   # the old search goes before the new one is made
            self._found = (key, eagerness, cleaner.clean(image, cancelled, eagerness))
        _, searched_at, found = self._found
        if not cleaner.has_finder:   # a 2018 network repaints everything: nothing to correct
            return HandResult(False, found, found.mask,
                              compare_fills(image, found.output, None, truth))
        if given is not None:
            decided = cleaner.find(image, None, eagerness, given)[1]
        else:
            decided = found.mask if eagerness is searched_at else \
                cleaner.decide(found.probability, eagerness)
        mask = (edit.applied(decided) | added) & ~erased
        plain = np.array_equal(mask, found.mask) and edit.feather == 0
        output = found.output if plain else edit.blend(image, cleaner.fill(image, mask), mask)
        return HandResult(True, found, mask, compare_fills(image, output, mask, truth),
                          face_sized_regions(mask))
