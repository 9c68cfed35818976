"""Text in, label out: the appeal taxonomy, the keyword rules, the trainable model and their combination.

The names below are imported from their modules when first used (PEP 562), not with the package: a process that
only reads a path or the taxonomy (the settings, `gridbot simulate`) does not load NumPy and the model code.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nlp.classifier import Classification, KeywordClassifier
    from nlp.emergencies import asked_about as emergency_asked_about
    from nlp.emergencies import recognise as recognise_emergency
    from nlp.loading import Classifier, build_classifier, load
    from nlp.model import LinearModel, ModelError
    from nlp.taxonomy import (
        SHIPPED_MODEL,
        UNCLASSIFIED,
        Category,
        Emergency,
        Hotspots,
        Taxonomy,
        TaxonomyError,
        load_taxonomy,
    )

# Each public name: the module that defines it, and its name there.
_EXPORTS = {
    "Classification": ("nlp.classifier", "Classification"),
    "KeywordClassifier": ("nlp.classifier", "KeywordClassifier"),
    "emergency_asked_about": ("nlp.emergencies", "asked_about"),
    "recognise_emergency": ("nlp.emergencies", "recognise"),
    "SHIPPED_MODEL": ("nlp.taxonomy", "SHIPPED_MODEL"),
    "Classifier": ("nlp.loading", "Classifier"),
    "build_classifier": ("nlp.loading", "build_classifier"),
    "load": ("nlp.loading", "load"),
    "LinearModel": ("nlp.model", "LinearModel"),
    "ModelError": ("nlp.model", "ModelError"),
    "UNCLASSIFIED": ("nlp.taxonomy", "UNCLASSIFIED"),
    "Category": ("nlp.taxonomy", "Category"),
    "Emergency": ("nlp.taxonomy", "Emergency"),
    "Hotspots": ("nlp.taxonomy", "Hotspots"),
    "Taxonomy": ("nlp.taxonomy", "Taxonomy"),
    "TaxonomyError": ("nlp.taxonomy", "TaxonomyError"),
    "load_taxonomy": ("nlp.taxonomy", "load_taxonomy"),
}

__all__ = [
    "SHIPPED_MODEL",
    "UNCLASSIFIED",
    "Category",
    "Classification",
    "Classifier",
    "Emergency",
    "Hotspots",
    "KeywordClassifier",
    "LinearModel",
    "ModelError",
    "Taxonomy",
    "TaxonomyError",
    "build_classifier",
    "emergency_asked_about",
    "load",
    "load_taxonomy",
    "recognise_emergency",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'nlp' has no attribute {name!r}")
    module, attribute = _EXPORTS[name]
    value = getattr(import_module(module), attribute)
    globals()[name] = value  # looked up once
    return value
