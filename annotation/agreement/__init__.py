"""Inter-annotator agreement: stance kappas and alpha, span F1, per-document figures."""
from annotation.agreement.collect import AgreementError, choose_annotators
from annotation.agreement.report import FORMAT, VERSION, agreement_job, compute_agreement

__all__ = ["FORMAT", "VERSION", "AgreementError", "agreement_job", "choose_annotators", "compute_agreement"]
