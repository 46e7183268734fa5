"""The pipeline-to-plan dashboard: one HTML page, its own JS and CSS, hand-drawn SVG charts."""

from pipeline.dashboard.routes import router

__all__ = ["router"]
