"""Interactive browser view of a community (Mesa's SolaraViz): ``cgsim viz [CONFIG]``.

``app`` is the page, ``layout`` the site-plan positions, ``labels`` the
English/Chinese labels, ``assets`` installs Solara's front-end packages for
offline use, ``launch`` runs ``solara run`` on localhost.
"""

# how ``launch`` hands settings to the page (``solara run`` starts it in a new process)
CONFIG_ENV = "CGSIM_VIZ_CONFIG"  # the starting config: a preset name or a YAML run config
LANG_ENV = "CGSIM_VIZ_LANG"  # the starting language, en or zh
TIMING_ENV = "CGSIM_VIZ_TIMING"  # set: print each step's server-side latency
