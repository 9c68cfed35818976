"""Text in, label out: the appeal taxonomy, the keyword rules, the trainable model and their combination."""

from nlp.classifier import Classification, KeywordClassifier
from nlp.emergencies import asked_about as emergency_asked_about
from nlp.emergencies import recognise as recognise_emergency
from nlp.loading import SHIPPED_MODEL, Classifier, build_classifier, load
from nlp.model import LinearModel, ModelError
from nlp.taxonomy import UNCLASSIFIED, Category, Emergency, Hotspots, Taxonomy, TaxonomyError, load_taxonomy

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
