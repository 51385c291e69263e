"""Calibration as a tool: fit chosen parameters to survey figures, with intervals and a report.

    from cgsim.calibration import make_spec, calibrate
    spec = make_spec("mianyang_2019", "mianyang_2019", ["beta0_activity", "beta0_voice"])
    doc = calibrate(spec, "results/cal")

``cgsim calibrate`` is the command-line face; docs/CALIBRATION.md the method;
``recovery.py`` the check that the method finds known truths.
"""

from .run import calibrate
from .spec import CalibrationSpec, make_spec

__all__ = ["calibrate", "make_spec", "CalibrationSpec"]
