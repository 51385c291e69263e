"""The model's parameters as data: unit, default, plausible range and source.

One flat, typed schema (pydantic) so a parameter is addressed by one name
everywhere: YAML configs, ``mesa.batch_run`` keyword overrides, sweeps and
the browser view. Values outside the range, wrong types and unknown names are
rejected. ``docs/PARAMETERS.md`` is generated from this file
(``python -m cgsim.docs``).

Sources are cited by seed file and item (``../shared/research/`` notes);
"assumption" marks a modelling choice the sources do not pin down, and
"calibrated" a value set by ``experiments/baseline_fit``.
"""

from __future__ import annotations

import math
import types
import typing
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

ASSUMPTION = "assumption"


def _scalar_kinds(annotation: Any) -> set:
    """The plain scalar types (bool, int, float) a field annotation admits."""
    args = typing.get_args(annotation) if typing.get_origin(annotation) in (typing.Union, types.UnionType) \
        else (annotation,)
    return {a for a in args if a in (bool, int, float)}


class NoCoercion(BaseModel):
    """Numbers and yes/no values must be written as such: pydantic's lax mode would read ``"0.9"`` as 0.9,
    ``true`` as 1 and ``"no"`` as False, which hides a quoted or misplaced value instead of reporting it
    (a wrong type is an error, never a silent conversion)."""

    @field_validator("*", mode="before")
    @classmethod
    def _exact_scalars(cls, v: Any, info: ValidationInfo) -> Any:
        kinds = _scalar_kinds(cls.model_fields[info.field_name].annotation)
        if not kinds or v is None:
            return v
        want = "true or false" if kinds == {bool} else "a number"
        if isinstance(v, str):
            hint = "true or false, without quotes" if kinds == {bool} else "e.g. 0.5, 12 or 1e-3, without quotes"
            raise ValueError(f"expected {want}, got the text {v!r} (a {'value' if kinds == {bool} else 'number'} is "
                             f"written as {hint})")
        if isinstance(v, bool) and bool not in kinds:
            raise ValueError(f"expected {want}, got a yes/no value")
        if kinds == {bool} and not isinstance(v, bool):
            raise ValueError(f"expected {want}")
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError(f"expected a finite number, got {v}")
        if isinstance(v, float) and int in kinds and float not in kinds:  # 60.0 for a count: say, don't round
            whole = f" (write {int(v)})" if v.is_integer() else ""
            raise ValueError(f"expected a whole number, got {v!r}{whole}")
        return v


def p(default: Any, lo: float | None, hi: float | None, unit: str, source: str, doc: str,
      group: str) -> Any:
    """Declare one parameter: default, closed range [lo, hi], unit, source, meaning."""
    extra = {"unit": unit, "source": source, "group": group}
    return Field(default, ge=lo, le=hi, description=doc, json_schema_extra=extra)


def choice(default: str, unit: str, source: str, doc: str, group: str) -> Any:
    return Field(default, description=doc,
                 json_schema_extra={"unit": unit, "source": source, "group": group})


class ModelParams(NoCoercion):
    """All parameters of one community. Defaults describe the Mianyang status quo."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)

    # ---- structure of the community (MODEL.md §2) --------------------------
    n_households: int = p(1200, 20, 400_000, "households", "001 §1 (community of ~1,200 households; assumption on size)",
                          "Households in the community.", "structure")
    households_per_building: int = p(48, 4, 400, "households", ASSUMPTION,
                                     "Households in one building (楼栋).", "structure")
    units_per_building: int = p(3, 1, 20, "stairwell units", "003 例7 (five-level network)",
                                "Stairwell units (单元) per building.", "structure")
    buildings_per_estate: int = p(6, 1, 200, "buildings", ASSUMPTION,
                                  "Buildings per estate (小区).", "structure")
    households_per_grid: int = p(300, 30, 2000, "households", "MODEL.md §2; 000 案例二 (~400)",
                                 "Households in one grid (网格).", "structure")
    adults_per_household: float = p(2.2, 1.0, 4.0, "adults", ASSUMPTION,
                                    "Mean adults per household (1 + Poisson extra, capped at 5).", "structure")

    # ---- demographics (MODEL.md §2 residents) -------------------------------
    share_youth: float = p(0.25, 0.0, 1.0, "share of adults", ASSUMPTION, "Adults aged 18-34.", "demography")
    share_elderly: float = p(0.30, 0.0, 1.0, "share of adults", "003 例6 (elderly dominate participants); assumption",
                             "Adults aged 60+.", "demography")
    youth_unemployed: float = p(0.10, 0.0, 1.0, "share of youth", "003 例6 Q22 (unemployed youth among participants)",
                                "Youth without work.", "demography")
    middle_unemployed: float = p(0.06, 0.0, 1.0, "share of middle-aged", ASSUMPTION,
                                 "Middle-aged adults without work.", "demography")
    middle_retired: float = p(0.08, 0.0, 1.0, "share of middle-aged", ASSUMPTION,
                              "Middle-aged adults already retired (early retirement, 50/55).", "demography")
    migrant_share: float = p(0.20, 0.0, 1.0, "share of households", "001 §2.3 (floating population); 004 (Suzhou)",
                             "Households without local hukou.", "demography")
    renter_share_local: float = p(0.10, 0.0, 1.0, "share of local households", ASSUMPTION,
                                  "Local households that rent.", "demography")
    renter_share_migrant: float = p(0.70, 0.0, 1.0, "share of migrant households", ASSUMPTION,
                                    "Migrant households that rent.", "demography")
    low_income_share: float = p(0.05, 0.0, 0.5, "share of households", "003 例6 Q22 (低保 households)",
                                "Households on minimum living allowance (低保).", "demography")
    party_share: float = p(0.09, 0.0, 0.5, "share of adults", "001 M25; assumption on level",
                           "Adults who are Party members.", "demography")
    floating_party_share: float = p(0.5, 0.0, 1.0, "share of migrant Party members", "001 l.143 (floating members)",
                                    "Migrant Party members whose membership is elsewhere (floating).", "demography")
    prosocial_sd: float = p(1.0, 0.0, 3.0, "sd of a standard-normal trait", "003 例6 M14",
                            "Spread of the prosocial personality trait.", "demography")

    # ---- social network (MODEL.md §2) --------------------------------------
    ties_unit: float = p(1.5, 0.0, 20.0, "ties per resident", "004 l.56 (sparse urban ties); assumption",
                         "Mean ties to residents of the same stairwell unit.", "network")
    ties_building: float = p(1.2, 0.0, 20.0, "ties per resident", ASSUMPTION,
                             "Mean ties to residents of the same building.", "network")
    ties_estate: float = p(1.0, 0.0, 20.0, "ties per resident", ASSUMPTION,
                           "Mean ties to residents of the same estate.", "network")
    ties_community: float = p(0.3, 0.0, 10.0, "ties per resident", ASSUMPTION,
                              "Mean long-range ties across the community.", "network")
    homophily: float = p(1.0, 0.0, 5.0, "log-odds per differing attribute", ASSUMPTION,
                         "How much less likely a tie is per differing attribute (age group, hukou, tenure).",
                         "network")
    tie_form_rate: float = p(0.1, 0.0, 1.0, "new ties per attendee-week",
                             "calibrated (stationarity of the tie count, per preset; 003 例6 shared platforms)",
                             "New ties formed per participant per week of shared activities in an estate.", "network")
    tie_decay: float = p(0.002, 0.0, 0.1, "per quiet week", ASSUMPTION,
                         "Chance that a non-kin tie lapses in a week in which neither end takes part.", "network")

    # ---- initial attitudes --------------------------------------------------
    trust_gen_mean: float = p(0.40, 0.0, 1.0, "0-1 scale", "003 例6 Q24 (31% trust strangers)",
                              "Mean generalised trust in neighbours at start.", "attitudes")
    trust_gen_sd: float = p(0.15, 0.0, 0.5, "0-1 scale", ASSUMPTION,
                            "Spread of generalised trust at start.", "attitudes")
    trust_rc_mean: float = p(0.50, 0.0, 1.0, "0-1 scale", ASSUMPTION,
                             "Mean trust in the residents' committee at start.", "attitudes")
    trust_firm_mean: float = p(0.45, 0.0, 1.0, "0-1 scale", "MODEL.md §2 (trust in the property firm); assumption",
                               "Mean trust in the property firm at start, where a firm serves the community.",
                               "attitudes")
    efficacy_mean: float = p(0.35, 0.0, 1.0, "0-1 scale", "003 例6 M14 (no real sense of control)",
                             "Mean perceived efficacy at start.", "attitudes")
    belonging_mean: float = p(0.45, 0.0, 1.0, "0-1 scale", ASSUMPTION,
                              "Mean sense of belonging at start.", "attitudes")
    attitude_sd: float = p(0.15, 0.0, 0.5, "0-1 scale", ASSUMPTION,
                           "Spread of trust in the RC and the firm, efficacy and belonging at start.", "attitudes")
    admin_perception_bias_sd: float = p(0.25, 0.0, 1.0, "0-1 scale", "003 例6 Q25 (>70.54%)",
                                        "Spread of residents' reading of how administrative the RC is.",
                                        "attitudes")
    awareness_init: float = p(0.71, 0.0, 1.0, "share of residents",
                              "001 §1.2 Table 1 (29.1% unaware); presets without a survey: calibrated (steady state)",
                              "Share who know the RC and its office at start.", "attitudes")

    # ---- residents' committee and street office (001 §1.1, §3.2) ----------
    rc_staff: int = p(9, 1, 60, "staff per committee", "001 §1.1; assumption on number",
                      "Staff of one residents' committee.", "committee")
    rc_hours_per_staff: float = p(40.0, 10.0, 60.0, "hours/week", ASSUMPTION,
                                  "Weekly working hours per staff member.", "committee")
    admin_load: float = p(0.80, 0.0, 1.5, "share of committee hours demanded", "001 §1.1 (88% name admin load)",
                          "Administrative work pushed down by the street office, as a share of committee hours.",
                          "committee")
    rc_share_response: float = p(0.40, 0.0, 1.0, "weight of free hours", ASSUMPTION,
                                 "Free hours spent answering residents' voice and issues "
                                 "(a weight: the four rc_share_* are divided by their sum).", "committee")
    rc_share_activities: float = p(0.30, 0.0, 1.0, "weight of free hours", ASSUMPTION,
                                   "Free hours spent organising activities "
                                   "(a weight: the four rc_share_* are divided by their sum).", "committee")
    rc_share_outreach: float = p(0.20, 0.0, 1.0, "weight of free hours", ASSUMPTION,
                                 "Free hours spent on outreach visits "
                                 "(a weight: the four rc_share_* are divided by their sum).", "committee")
    rc_share_deliberation: float = p(0.10, 0.0, 1.0, "weight of free hours", ASSUMPTION,
                                     "Free hours spent convening residents' meetings "
                                     "(a weight: the four rc_share_* are divided by their sum).", "committee")
    hours_per_voice: float = p(1.5, 0.1, 10.0, "hours", ASSUMPTION,
                               "Staff hours to answer one suggestion or complaint.", "committee")
    hours_per_activity: float = p(10.0, 1.0, 100.0, "hours", ASSUMPTION,
                                  "Staff hours to organise one activity.", "committee")
    activity_capacity: int = p(60, 5, 1000, "participants", ASSUMPTION,
                               "Places at one activity.", "committee")
    contacts_per_outreach_hour: float = p(1.0, 0.1, 20.0, "households/hour", ASSUMPTION,
                                          "Households reached per outreach hour.", "committee")
    hours_per_meeting: float = p(12.0, 1.0, 100.0, "hours", ASSUMPTION,
                                 "Staff hours to convene one residents' meeting.", "committee")
    meeting_capacity: int = p(30, 3, 500, "participants", "001 M9-M17; assumption",
                              "Seats at one residents' meeting.", "committee")
    evaluation_regime: Literal["upward", "satisfaction"] = choice(
        "upward", "category", "001 §3.4.2; 003 例1",
        "How the street office evaluates the committee: upward inspection or resident satisfaction.", "committee")
    upward_compliance: float = p(0.2, 0.0, 0.9, "share of free hours", "001 §3.4.2 (upward inspection)",
                                 "Free hours spent on compliance with upward inspection (none under satisfaction "
                                 "evaluation).", "committee")
    gov_intensity: float = p(0.7, 0.0, 1.0, "0-1 scale", "003 例1 M1",
                             "Strength of direct government management (抚养培育 high, 指导监督 low).", "committee")
    cost_staff_hour: float = p(35.0, 0.0, 500.0, "yuan/hour", ASSUMPTION,
                               "Cost of one staff hour (committee, station, grid, NGO).", "committee")

    # ---- property firm and owners (003 例2, 例10; 001 M17-M18, M28) ------
    firm_present: bool = Field(True, description="A property-management firm serves the community.",
                               json_schema_extra={"unit": "yes/no", "source": "003 例2 (old lanes have none)",
                                                  "group": "property"})
    firm_quality: float = p(0.5, 0.0, 1.0, "0-1 scale", ASSUMPTION,
                            "Property firm's service quality (chance to fix a property issue each week, scaled).",
                            "property")
    firm_embeddedness: float = p(0.3, 0.0, 1.0, "0-1 scale", "003 例10 (staff who know residents)",
                                 "How far firm staff know residents: they settle property matters early (the firm's rate "
                                 "x (1 + this)) and fewer property disputes turn into petitions.", "property")
    firm_obstruction: float = p(0.5, 0.0, 1.0, "0-1 scale", "001 M18",
                                "How much the firm obstructs an owners' committee forming.", "property")
    oc_threshold: float = p(0.12, 0.0, 1.0, "share of owners", "001 M18; 003 例2",
                            "Share of engaged, trusting owners needed to form an owners' committee.", "property")
    oc_replace_trust: float = p(0.35, 0.0, 1.0, "0-1 scale (owners' mean trust in the firm)",
                                "001 M8, M17-M19, M28 (the owners' committee selects the firm); assumption on the "
                                "value", "Owners' mean trust in the firm below which their committee sets out to "
                                "replace it.", "property")
    oc_replace_rate: float = p(0.1, 0.0, 1.0, "per month", "001 M28; assumption on the value",
                               "Monthly chance an owners' committee whose owners distrust the firm replaces it "
                               "(choosing a firm takes months).", "property")
    firm_replacement_gain: float = p(0.1, 0.0, 1.0, "0-1 scale", ASSUMPTION,
                                     "Service quality a firm chosen by the owners brings above the one it replaces.",
                                     "property")
    firm_embedding_rate: float = p(0.02, 0.0, 1.0, "per week", "003 例10 (staff who know residents); assumption "
                                   "on the value", "Weekly rate at which a firm the owners chose grows toward the "
                                   "community firm's embeddedness (it starts at none of it: its staff know nobody).",
                                   "property")
    oc_organiser_effect: float = p(0.0, 0.0, 1.0, "share of threshold removed", "001 M18",
                                   "How much a trusted organiser lowers the owners' threshold.", "property")
    oc_misconduct_rate: float = p(0.01, 0.0, 0.2, "per committee-month", "001 M28 and §5.4 item 17 (the "
                                  "accountability risk a supervisory committee answers); assumption on the value",
                                  "Monthly chance that misuse or opacity in a formed owners' committee's handling of "
                                  "estate income, maintenance funds or the firm's selection comes to light; the "
                                  "owners then recall the committee.", "property")
    oc_misconduct_harm: float = p(0.1, 0.0, 1.0, "share of the attitude lost", "001 M17-M18 (conflicts between "
                                  "owners and their committee); assumption on the value",
                                  "Share of their efficacy and of their trust in neighbours that the estate's owners "
                                  "lose when misconduct of their committee comes to light.", "property")
    oc_supervisory_committee: bool = Field(False, description="Owners elect a supervisory committee (监委会) of 3-7 "
                                           "of their mobilised members beside each owners' committee (a proposal of "
                                           "001 M28, not the status quo).",
                                           json_schema_extra={"unit": "yes/no", "source": "001 M28 (§3.3.1 l.177)",
                                                              "group": "property"})
    supervision_effect: float = p(0.7, 0.0, 1.0, "share of misconduct prevented", "001 M28; assumption on the value",
                                  "Share of an owners' committee's misconduct chance that a supervisory committee "
                                  "(监委会) prevents.", "property")

    # ---- resident self-organisations (MODEL.md §2; 003 例2 M19, M27; 003 例3 M5) ----
    group_start_rate: float = p(0.02, 0.0, 1.0, "per backbone resident-month at full standing",
                                "003 例2 M19 (trust first, then organise); assumption on the value",
                                "Monthly chance a backbone resident (top rung, at an activity that month) starts a "
                                "resident group, times their standing (neighbours' trust above "
                                "group_trust_threshold).", "self_organisation")
    group_trust_threshold: float = p(0.3, 0.0, 0.99, "0-1 scale (mean generalised trust over the initiator's ties)",
                                     "003 例2 M27, §4 item 1 (need without a respected organiser stays latent); "
                                     "assumption on the value",
                                     "Neighbours' trust below which nobody can start a group; standing rises "
                                     "linearly from it to 1 at full trust.", "self_organisation")
    group_cultivation_boost: float = p(2.0, 0.0, 20.0, "x founding chance per unit of cultivation intensity",
                                       "001 M32-M33 (identify backbones, set up micro-organisations, train their "
                                       "leaders); 003 例1 M1 (dependent communities organise through outside "
                                       "initiators); assumption on the value",
                                       "How much cultivation (committee, social-worker and policy hours that also raise "
                                       "C; full at one hour per 100 residents a week) multiplies the founding chance: "
                                       "x (1 + this x intensity).", "self_organisation")
    group_size: int = p(8, 3, 60, "members", "003 例3 M5 (interest groups, volunteer teams); assumption on the value",
                        "Members a resident group recruits up to (it needs 3 to exist).", "self_organisation")
    group_member_pull: float = p(1.0, 0.0, 5.0, "log-odds", ASSUMPTION,
                                 "Pull of one's group's weekly meeting on taking part in an activity.",
                                 "self_organisation")
    group_fold_rate: float = p(0.04, 0.0, 1.0, "per group-month", ASSUMPTION,
                               "Monthly chance a group with no inclusiveness folds.", "self_organisation")
    group_inclusion_effect: float = p(0.75, 0.0, 1.0, "share of the fold rate removed at full inclusiveness",
                                      "003 例2 M27, §4 item 3 (inclusive groups last; rule by a few does not)",
                                      "How much inclusiveness (share of the estate's age x hukou x tenure groups "
                                      "among members) lowers a group's chance to fold.", "self_organisation")

    # ---- party organisation, NGOs, grid workers ---------------------------
    party_outreach: float = p(0.3, 0.0, 3.0, "contacts per engaged member-week", "003 例9 (老面孔); assumption",
                              "Neighbours an engaged retired Party member asks to join, per week, spread over their ties; "
                              "the asked also learn of the committee, as from any contact.", "actors")
    ngo_staff: int = p(0, 0, 50, "social workers", "001 §1.3 (23 organisations in Mianyang)",
                       "Social workers placed in the community.", "actors")
    ngo_hours_per_staff: float = p(35.0, 0.0, 60.0, "hours/week", ASSUMPTION,
                                   "Programme hours per social worker.", "actors")
    ngo_target: Literal["vulnerable", "youth", "migrants", "all"] = choice(
        "vulnerable", "category", "001 §1.3; 003 例6", "Who NGO programmes target.", "actors")
    grid_workers_per_grid: float = p(0.0, 0.0, 5.0, "workers per grid", "000 案例二; 002 B3",
                                     "Grid workers per grid (0 = no grid management).", "actors")
    grid_visits_per_month: float = p(30.0, 0.0, 200.0, "households/worker-month", "001 l.209 (>=20 per pair)",
                                     "Household visits a grid worker makes a month.", "actors")

    # ---- participation decisions (MODEL.md §3.3) --------------------------
    beta0_activity: float = p(-3.0, -10.0, 5.0, "log-odds", "calibrated (001 Fig. 2)",
                              "Intercept: service/activity channel.", "participation")
    beta0_voice: float = p(0.0, -10.0, 5.0, "log-odds", "calibrated (001 Table 2)",
                           "Intercept: voice (suggestions/complaints).", "participation")
    beta0_deliberation: float = p(-5.5, -10.0, 5.0, "log-odds", "calibrated (003 例6 Q23)",
                                  "Intercept: deliberation/decision.", "participation")
    beta0_coproduction: float = p(-5.5, -10.0, 5.0, "log-odds", "calibrated (003 例6 Q23)",
                                  "Intercept: co-production (money or labour).", "participation")
    beta_trust: float = p(1.0, -5.0, 5.0, "log-odds per unit", "003 例6 M14 (low efficacy, weak participation)", "Trust in the committee.",
                          "participation")
    beta_efficacy: float = p(1.0, -5.0, 5.0, "log-odds per unit", "003 例6 M14 (low efficacy, weak participation)", "Perceived efficacy.",
                             "participation")
    beta_social: float = p(1.5, -5.0, 10.0, "log-odds per unit", "003 例6 M14; Granovetter 1978",
                           "Share of ties active last week.", "participation")
    beta_ask: float = p(1.0, -5.0, 5.0, "log-odds", "000 (being asked); 003 例2 (trust first)",
                        "Asked to take part this week (at trust in the committee 0.5; see ask_trust_weight).",
                        "participation")
    ask_trust_weight: float = p(1.0, 0.0, 1.0, "share", "003 例2 (trust before mobilisation); assumption",
                                "How far an ask's pull (beta_ask, stage_up_ask) scales with trust in the committee: "
                                "x (1 - w + w·2·trust); 0 = MODEL.md §3.3's reference form, the same pull for all.",
                                "participation")
    beta_belonging: float = p(0.8, -5.0, 5.0, "log-odds per unit", "003 §4.26 (例6: shared platforms build belonging)", "Sense of belonging.",
                              "participation")
    beta_salience: float = p(1.5, -5.0, 5.0, "log-odds per unit", ASSUMPTION,
                             "Salience of the resident's open issues (voice, deliberation).", "participation")
    beta_cost: float = p(1.0, 0.0, 10.0, "log-odds per unit", ASSUMPTION,
                         "Time cost relative to the time budget.", "participation")
    beta_habit: float = p(1.5, 0.0, 10.0, "log-odds per unit", ASSUMPTION, "Channel habit.", "participation")
    beta_active: float = p(1.5, 0.0, 10.0, "log-odds", "000 (主动参与 stage)",
                           "Extra propensity of residents in the active stage.", "participation")
    beta_elderly: float = p(0.6, -5.0, 5.0, "log-odds", "003 例6 Q22", "Group term: aged 60+.", "participation")
    beta_youth: float = p(-0.6, -5.0, 5.0, "log-odds", "003 §4.12 (例6: youth vicious circle)", "Group term: aged 18-34.",
                          "participation")
    beta_unemployed: float = p(0.5, -5.0, 5.0, "log-odds", "003 例6 Q22", "Group term: without work.",
                               "participation")
    beta_low_income: float = p(0.6, -5.0, 5.0, "log-odds", "003 例6 Q22", "Group term: 低保 household.",
                               "participation")
    beta_party_retired: float = p(1.0, -5.0, 5.0, "log-odds", "003 例9 (老面孔)",
                                  "Group term: retired Party member (activist core).", "participation")
    beta_party_inservice: float = p(0.0, -5.0, 5.0, "log-odds", "003 例6 (passive in-service members)",
                                    "Group term: in-service Party member.", "participation")
    beta_migrant: float = p(-0.5, -5.0, 5.0, "log-odds", "001 §2.3; 004", "Group term: migrant.",
                            "participation")
    beta_renter: float = p(-0.4, -5.0, 5.0, "log-odds", ASSUMPTION, "Group term: renter.", "participation")
    beta_prosocial: float = p(0.5, -5.0, 5.0, "log-odds per sd", "003 例6 M14", "Prosocial trait.",
                              "participation")
    time_budget_employed: float = p(4.0, 0.5, 40.0, "hours/week", ASSUMPTION,
                                    "Free time of an employed young adult (18-34).", "participation")
    time_budget_employed_middle: float = p(3.0, 0.5, 40.0, "hours/week",
                                           "MODEL.md §2 (lowest for employed middle-aged); 003 例6 (青壮年 rarely "
                                           "take part); value an assumption",
                                           "Free time of an employed middle-aged adult (35-59): work plus the care "
                                           "of children and parents.", "participation")
    time_budget_free: float = p(15.0, 0.5, 60.0, "hours/week", ASSUMPTION,
                                "Free time of a retired or unemployed adult.", "participation")
    hours_activity: float = p(2.0, 0.1, 20.0, "hours", ASSUMPTION, "Time one activity takes.", "participation")
    hours_voice: float = p(0.5, 0.1, 20.0, "hours", ASSUMPTION, "Time one suggestion takes.", "participation")
    hours_deliberation: float = p(3.0, 0.1, 20.0, "hours", ASSUMPTION, "Time one meeting takes.",
                                  "participation")
    hours_coproduction: float = p(4.0, 0.1, 20.0, "hours", ASSUMPTION, "Time one co-production stint takes.",
                                  "participation")
    recovery_weeks: float = p(20.0, 0.0, 52.0, "weeks", "001 Table 3 (thin tail); assumption",
                              "Mean weeks before a resident takes part in another shallow activity.",
                              "participation")
    voice_recovery_weeks: float = p(30.0, 0.0, 104.0, "weeks", "001 Table 2 (few suggest often); assumption",
                                    "Mean weeks before an attentive resident raises another matter.",
                                    "participation")
    voice_patience: float = p(12.0, 1.0, 52.0, "weeks", ASSUMPTION,
                            "Weeks a resident waits for an answer before counting the voice as ignored.",
                            "participation")
    personal_need_rate: float = p(0.04, 0.0, 1.0, "per resident-week", ASSUMPTION,
                                  "Chance a resident has a private matter to raise with the committee.",
                                  "participation")

    # ---- participation ladder 观望 → 关注 → 主动参与 (000, MODEL.md §6) ----
    stage_init_attentive: float = p(0.2, -10.0, 10.0, "log-odds", "calibrated (001 Table 3)",
                                    "Initial log-odds that an aware resident is past wait-and-see.", "ladder")
    stage_init_active: float = p(-3.5, -10.0, 10.0, "log-odds",
                                 "calibrated (001 Table 3; presets without a survey: steady state)",
                                 "Initial log-odds that an attentive resident is already active.", "ladder")
    stage_up_base: float = p(-6.0, -15.0, 0.0, "log-odds per week", ASSUMPTION,
                             "Weekly log-odds of leaving wait-and-see, before drivers.", "ladder")
    stage_up_ask: float = p(2.0, 0.0, 10.0, "log-odds", "000 (invited participation); 003 例2 (x 2·trust)",
                            "Being asked this week.", "ladder")
    stage_up_social: float = p(2.0, 0.0, 10.0, "log-odds per unit", "003 例6 M14",
                               "Share of ties active last week.", "ladder")
    stage_active_gain: float = p(0.1, 0.0, 1.0, "probability", "000 (input acted on)",
                                 "Chance to become active when one's voice is acted on.", "ladder")
    stage_drop_ignored: float = p(0.05, 0.0, 1.0, "probability", "003 例6 M14 (low efficacy, weak participation)",
                                  "Chance to fall back one stage when one's voice is ignored.", "ladder")
    stage_drop_idle: float = p(0.005, 0.0, 1.0, "per week", ASSUMPTION,
                               "Weekly chance to fall back one stage after a quarter without taking part.",
                               "ladder")

    # ---- learning (MODEL.md §3.6) ------------------------------------------
    learn_pos: float = p(0.04, 0.0, 1.0, "0-1 per event", ASSUMPTION,
                         "Trust/efficacy gain from a good experience.", "learning")
    negativity_bias: float = p(2.5, 1.0, 10.0, "ratio", "MODEL.md §3.6 (negative weighs more)",
                               "How many times a bad experience outweighs a good one.", "learning")
    attitude_drift: float = p(0.03, 0.0, 1.0, "per week", ASSUMPTION,
                              "Weekly drift of trust in the committee and efficacy back toward each resident's "
                              "disposition (old experiences fade).", "learning")
    public_good_init: float = p(0.3, 0.0, 1.0, "0-1 scale",
                                "assumption: the level the status quo's settled matters sustain (mianyang_2019 "
                                "after a 5-year burn-in: 0.27-0.33)",
                                "Public-good level of every building at start.", "learning")
    public_good_depreciation: float = p(0.005, 0.0, 1.0, "per week", ASSUMPTION,
                                        "Weekly wear of buildings' public goods (upkeep needed to keep them).",
                                        "learning")
    trust_gen_social: float = p(0.005, 0.0, 1.0, "per week", ASSUMPTION,
                                "Weekly pull of generalised trust toward neighbours' trust.", "learning")
    trust_gen_activity: float = p(0.01, 0.0, 1.0, "per activity", "003 §4.26 (例6: shared platforms build belonging)",
                                  "Generalised trust gain from a shared activity.", "learning")
    trust_gen_drift: float = p(0.02, 0.0, 1.0, "per week", ASSUMPTION,
                               "Weekly drift of generalised trust back toward its long-run mean.", "learning")
    admin_perception_rate: float = p(0.05, 0.0, 1.0, "per contact", "003 例6 Q25",
                                     "How fast a contact with the committee updates its perceived role.",
                                     "learning")
    habit_rate: float = p(0.15, 0.0, 1.0, "per week", ASSUMPTION, "Habit update rate.", "learning")
    satisfaction_rate: float = p(0.05, 0.0, 1.0, "per week", ASSUMPTION,
                                 "Weekly pull of satisfaction toward experienced service.", "learning")

    burn_in_weeks: int = p(52, 0, 520, "weeks", ASSUMPTION,
                           "Weeks simulated before week 0 so recording starts from the status quo's running "
                           "state, not the initial draws (spin-up; nothing is recorded and no policy acts). Fast "
                           "processes settle; awareness keeps drifting slowly (docs/VALIDATION.md §1).", "ladder")

    # ---- issues, disputes, petitions (MODEL.md §3.1, §3.5) ----------------
    issue_rate: float = p(0.05, 0.0, 2.0, "issues per building-week", ASSUMPTION,
                          "New neighbourhood issues a building meets each week.", "issues")
    estate_issue_share: float = p(0.3, 0.0, 1.0, "share of issues", ASSUMPTION,
                                  "Issues that concern a whole estate rather than one building.", "issues")
    share_property: float = p(0.35, 0.0, 1.0, "share of issues", "003 例10", "Property-service matters.",
                              "issues")
    share_public: float = p(0.20, 0.0, 1.0, "share of issues", "001 §2.4", "Public (government) matters.",
                            "issues")
    share_private: float = p(0.15, 0.0, 1.0, "share of issues", "001 §2.4", "Private matters.", "issues")
    issue_salience_mean: float = p(0.45, 0.05, 0.95, "0-1 scale", ASSUMPTION, "Mean salience of an issue.",
                                   "issues")
    rc_fix_base: float = p(0.06, 0.0, 1.0, "per week at full response capacity", ASSUMPTION,
                           "Weekly chance the committee settles an issue routed to it.", "issues")
    gov_fix_base: float = p(0.03, 0.0, 1.0, "per week", ASSUMPTION,
                            "Weekly chance a government department settles a public issue.", "issues")
    self_fix_base: float = p(0.08, 0.0, 1.0, "per week at full capacity C", "003 例2",
                             "Weekly chance residents settle a private/community matter themselves.", "issues")
    voice_boost: float = p(0.02, 0.0, 1.0, "per voice", ASSUMPTION,
                           "Extra weekly chance of settlement per resident who raised the issue.", "issues")
    escalate_weeks: int = p(16, 1, 156, "weeks", ASSUMPTION, "Weeks before an open salient issue becomes a dispute.",
                            "issues")
    escalate_salience: float = p(0.6, 0.0, 1.0, "0-1 scale", ASSUMPTION,
                                 "Salience above which an old issue becomes a dispute.", "issues")
    petition_rate: float = p(0.05, 0.0, 1.0, "per dispute-week", "003 例2 Q8",
                             "Weekly chance a dispute leads to a petition (上访), times distrust.", "issues")

    # ---- turnover (keeps awareness and trust stationary) -----------------
    turnover_owner: float = p(0.03, 0.0, 1.0, "per year", ASSUMPTION, "Owner households moving out each year.",
                              "turnover")
    turnover_renter: float = p(0.25, 0.0, 1.0, "per year", ASSUMPTION, "Renter households moving out each year.",
                               "turnover")
    newcomer_awareness: float = p(0.3, 0.0, 1.0, "share", ASSUMPTION, "Newcomers who already know the committee.",
                                  "turnover")
    awareness_spread: float = p(0.002, 0.0, 1.0, "per aware engaged tie-week", ASSUMPTION,
                                "Weekly chance an engaged, aware neighbour tells a resident about the committee.",
                                "turnover")
    awareness_on_contact: float = p(0.3, 0.0, 1.0, "probability", ASSUMPTION,
                                    "Chance an outreach contact makes a resident aware.", "turnover")

    # ---- self-governance capacity C (003 例1 M1) -------------------------
    capacity_init: float = p(0.15, 0.0, 1.0, "0-1 scale",
                                 "003 例1 (initial stage); calibrated per preset (steady state)", "C at start.",
                                 "capacity")
    capacity_growth: float = p(0.008, 0.0, 1.0, "per week at full deep participation", "003 例1; 003 例4",
                               "Growth of C from deliberation and co-production (learning by doing).",
                               "capacity")
    capacity_cultivation: float = p(0.005, 0.0, 1.0, "per week at full cultivation", "003 例1 M1",
                                    "Growth of C from committee and NGO cultivation hours.", "capacity")
    capacity_crowding: float = p(0.004, 0.0, 1.0, "per week", "003 §4.18 (例6); 003 例1",
                                 "Shrinkage of C from administrative load and from strong government once C is "
                                 "past the dependent stage.",
                                 "capacity")
    capacity_groups: float = p(0.002, 0.0, 1.0, "per week at full organisation",
                               "003 例1 M1 (C: number and strength of resident organisations); assumption on the "
                               "value",
                               "Growth of C from resident self-organisations (full when 5% of residents belong to "
                               "one).", "capacity")
    capacity_gov_support: float = p(0.003, 0.0, 1.0, "per week at full intensity", "003 例1 M1 (抚养培育, 辅助成长)",
                                    "Growth of C from government nurturing, fading as C nears maturity.",
                                    "capacity")
    capacity_collapse: float = p(0.006, 0.0, 1.0, "per week", "003 例1 M1 (不应放手: should not let go yet)",
                                 "Loss of C when government withdraws while C is still dependent.", "capacity")
    capacity_decay: float = p(0.008, 0.0, 1.0, "per week", ASSUMPTION, "Neglect: C fades without use.",
                              "capacity")
    capacity_theta1: float = p(0.33, 0.0, 1.0, "0-1 scale", "003 例1", "C threshold 索取依赖 → 学习进步.",
                               "capacity")
    capacity_theta2: float = p(0.66, 0.0, 1.0, "0-1 scale", "003 例1", "C threshold 学习进步 → 成熟独立.",
                               "capacity")
    dependent_voice_shift: float = p(0.3, -3.0, 3.0, "log-odds", "003 例1 (索取依赖: residents request)",
                                     "Voice bonus and co-production penalty in the dependent stage.", "capacity")
    mature_deep_shift: float = p(0.5, -3.0, 3.0, "log-odds", "003 例1 (成熟独立)",
                                 "Deliberation and co-production bonus in the learning and mature stages.",
                                 "capacity")

    @model_validator(mode="after")
    def _consistent(self):
        """Values that are each in range but together describe no community (the model would silently read
        them as something else: youth 90% and elderly 90% as no middle-aged and 10% elderly)."""
        if self.share_youth + self.share_elderly > 1 + 1e-9:
            raise ValueError(f"share_youth ({self.share_youth}) + share_elderly ({self.share_elderly}) = "
                             f"{self.share_youth + self.share_elderly:.3g} exceeds 1 (the rest are the middle-aged)")
        kinds = self.share_property + self.share_public + self.share_private
        if kinds > 1 + 1e-9:
            raise ValueError(f"share_property ({self.share_property}) + share_public ({self.share_public}) + "
                             f"share_private ({self.share_private}) = {kinds:.3g} exceeds 1 (the rest are "
                             f"community matters)")
        if self.rc_share_response + self.rc_share_activities + self.rc_share_outreach + self.rc_share_deliberation <= 0:
            raise ValueError("rc_share_response, rc_share_activities, rc_share_outreach and rc_share_deliberation are "
                             "all 0: the committee's free hours would go nowhere (they are weights, divided by "
                             "their sum; at least one must be above 0)")
        if not self.capacity_theta1 < self.capacity_theta2:
            raise ValueError(f"capacity_theta1 ({self.capacity_theta1}) must be below capacity_theta2 "
                             f"({self.capacity_theta2}): the stages of C are ordered")
        return self


# --------------------------------------------------------------------------
# introspection used by docs, CLI and viz

def param_table(schema: type[BaseModel] | None = None) -> list[dict[str, Any]]:
    """One dict per parameter of ``schema`` (default the model's; a policy's ``Params`` too): name, type,
    default, lo, hi, unit, source, doc, group, choices (the allowed values of a category, else None)."""
    rows = []
    for name, f in (schema or ModelParams).model_fields.items():
        extra = f.json_schema_extra or {}
        lo = hi = None
        for m in f.metadata:
            lo = getattr(m, "ge", lo)
            hi = getattr(m, "le", hi)
        ann = f.annotation
        typ = getattr(ann, "__name__", None) or str(ann).replace("typing.", "")
        choices = [str(c) for c in typing.get_args(ann)] if typing.get_origin(ann) is typing.Literal else None
        rows.append(dict(name=name, type=typ, default=f.default, lo=lo, hi=hi, unit=extra.get("unit", ""),
                         source=extra.get("source", ""), doc=f.description or "", group=extra.get("group", ""),
                         choices=choices))
    return rows


PARAM_NAMES = frozenset(ModelParams.model_fields)
