"""Text in, label out: the appeal taxonomy and the keyword classifier (pure and deterministic)."""

from nlp.classifier import Classification, KeywordClassifier
from nlp.taxonomy import UNCLASSIFIED, Category, Taxonomy, TaxonomyError, load_taxonomy

__all__ = [
    "UNCLASSIFIED",
    "Category",
    "Classification",
    "KeywordClassifier",
    "Taxonomy",
    "TaxonomyError",
    "load_taxonomy",
]
