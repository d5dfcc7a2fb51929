"""Identity documents: the catalogue of the types people carry, and why someone may hold none."""

from service.domain.documents.reasons import NO_DOCUMENT_REASONS

__all__ = ["NO_DOCUMENT_REASONS"]
