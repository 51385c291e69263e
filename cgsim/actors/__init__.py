"""Institutional actors: ordinary Mesa agents with their own weekly phase methods.

They are few, so they may loop; residents are handled as arrays elsewhere.
"""

from .committee import ResidentsCommittee
from .firm import OwnersCommittee, PropertyFirm
from .ngo import NGO
from .outreach_workers import GridWorkers, PartyOrganisation
from .resident_groups import ResidentGroup, SelfOrganisation
from .station import ServiceStation
from .street import StreetOffice

__all__ = ["GridWorkers", "NGO", "OwnersCommittee", "PartyOrganisation", "PropertyFirm", "ResidentGroup",
           "ResidentsCommittee", "SelfOrganisation", "ServiceStation", "StreetOffice"]
