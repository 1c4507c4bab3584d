"""Inter-annotator agreement: stance kappas and alpha, span F1, per-document figures."""
from annotation.agreement.collect import AgreementError, choose_annotators
from annotation.agreement.report import (
    FEW_ITEMS, FORMAT, VERSION, agreement_job, compute_agreement, few_items, figure_sizes, thin_figure,
)

__all__ = ["FEW_ITEMS", "FORMAT", "VERSION", "AgreementError", "agreement_job", "choose_annotators", "compute_agreement",
           "few_items", "figure_sizes", "thin_figure"]
