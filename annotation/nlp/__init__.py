"""NLP: model loading, entity and quotation suggestions, the pre-annotation job. No Qt here."""
