"""cgsim: agent-based simulator of resident participation and trust under
Chinese community-governance models (Mesa 3.5)."""

__version__ = "0.7.0"

from .model import CommunityModel  # noqa: E402
from .scenarios import ConfigError, RunConfig, load_config, make_config  # noqa: E402

__all__ = ["CommunityModel", "ConfigError", "RunConfig", "load_config", "make_config", "__version__"]
