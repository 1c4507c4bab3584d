"""Model in the loop: training entity and stance models from a project's own annotations."""
