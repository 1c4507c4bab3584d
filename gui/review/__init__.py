"""Review mode: compare annotators, adjudicate into gold, the agreement dashboard, and merging
another annotator's project file from the GUI."""
