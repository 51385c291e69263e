"""English and Chinese labels for reports: outcomes, groups and report text.

``outcome_label(name, lang)`` names any outcome (``rate_any``,
``yearly.never_participated``); ``is_share`` tells whether it is a share of
residents (shown in % and its effects in percentage points).
"""

from __future__ import annotations

from ..experiment.outputs import split_outcome
from ..metrics import COLUMN_DOCS

OUTCOMES: dict[str, tuple[str, str]] = {
    # weekly, residents
    "rate_activity": ("took part in an activity this week", "本周参加活动/服务的比例"),
    "rate_voice": ("made a suggestion or complaint this week", "本周建言或投诉的比例"),
    "rate_deliberation": ("attended a deliberation meeting this week", "本周参加协商议事的比例"),
    "rate_coproduction": ("contributed money or labour this week", "本周出钱出力共建的比例"),
    "rate_any": ("took part in any channel this week", "本周任一渠道参与率"),
    "aware": ("know the committee and its office", "知晓居委会及办公地点的比例"),
    "asked": ("asked to take part this week", "本周被邀请参与的比例"),
    "trust_strangers": ("trust strangers in the community (share, trust >= 0.5)",
                        "信任社区内陌生人的比例（信任度≥0.5）"),
    "trust_neighbours": ("generalised trust in neighbours (mean, 0-1)", "邻里普遍信任（均值，0-1）"),
    "trust_committee": ("trust in the committee (mean, 0-1)", "对居委会的信任（均值，0-1）"),
    "trust_firm": ("trust in the property firm (mean, 0-1)", "对物业公司的信任（均值，0-1）"),
    "efficacy": ("sense of efficacy (mean, 0-1)", "效能感（均值，0-1）"),
    "satisfaction": ("satisfaction (mean, 0-1)", "满意度（均值，0-1）"),
    "belonging": ("sense of belonging (mean, 0-1)", "归属感（均值，0-1）"),
    "sees_rc_as_government": ("see the committee as a government agent", "视居委会为政府派出机构的比例"),
    "stage_wait_and_see": ("wait and see (ladder rung 1)", "观望者比例"),
    "stage_attentive": ("attentive (ladder rung 2)", "关注者比例"),
    "stage_active": ("active participants (ladder rung 3)", "主动参与者比例"),
    # community
    "issues_open": ("open issues", "未解决问题数"),
    "issues_resolved": ("issues settled", "已解决问题数"),
    "disputes_open": ("open disputes", "未化解纠纷数"),
    "petitions": ("petitions", "上访次数"),
    "capacity": ("self-governance capacity C (0-1)", "自治能力 C（0-1）"),
    "rc_admin_share": ("committee time on administrative work", "居委会行政事务时间占比"),
    "public_good": ("public-good level (0-1)", "公共物品水平（0-1）"),
    "cost_yuan": ("public cost (yuan)", "公共成本（元）"),
    "ties": ("social ties", "社会关系数"),
    "cross_group_ties": ("migrant-local ties", "外地与本地居民间关系数"),
    "owners_committees": ("estates with an owners' committee", "成立业委会的小区数"),
    "firms_replaced": ("estates whose owners replaced the property firm", "业主更换物业公司的小区数"),
    "supervisory_committees": ("owners' committees with a supervisory committee", "设有业主监督委员会的业委会数"),
    "resident_groups": ("resident self-organisations", "居民自组织数"),
    "group_member_share": ("residents in a self-organisation", "参加居民自组织的居民比例"),
    "voices_answered": ("suggestions answered", "得到答复的建议数"),
    "voices_ignored": ("suggestions left unanswered", "未获答复的建议数"),
    # yearly, residents
    "never_participated": ("never took part in the year", "全年从未参与的比例"),
    "participated_1_5": ("took part 1-5 times in the year", "全年参与1-5次的比例"),
    "participated_gt5": ("took part more than 5 times in the year", "全年参与5次以上的比例"),
    "never_joined_activity": ("never joined an activity in the year", "全年从未参加活动的比例"),
    "suggest_never": ("never made a suggestion", "从未提建议的比例"),
    "suggest_rarely": ("made one suggestion", "很少提建议（1次）的比例"),
    "suggest_sometimes": ("made two suggestions", "有时提建议（2次）的比例"),
    "suggest_often": ("made three or more suggestions", "经常提建议（3次以上）的比例"),
    "unaware_rc_office": ("do not know the committee office", "不知道居委会办公地点的比例"),
    "shallow_share": ("activities as a share of all participation", "浅层参与（活动）占全部参与的比例"),
    "vulnerable_share_of_participants": ("vulnerable residents among activity participants",
                                         "活动参与者中弱势群体的比例"),
    "participants_activity": ("took part in an activity in the year", "全年参加过活动的比例"),
    "participants_voice": ("made a suggestion in the year", "全年提过建议的比例"),
    "participants_deliberation": ("attended deliberation in the year", "全年参加过协商议事的比例"),
    "participants_coproduction": ("co-produced in the year", "全年参与过共建的比例"),
    "events_per_resident": ("participation events per resident", "人均参与次数"),
    "activist_concentration": ("share of events by the most active 10%", "最活跃10%参与者的参与次数占比"),
    "mean_weeks_to_resolve": ("weeks to settle an issue", "问题平均解决周数"),
    "cost_per_participant_hour": ("public cost per participation hour (yuan)", "每参与小时公共成本（元）"),
    "groups_founded": ("resident self-organisations founded", "新成立居民自组织数"),
    "groups_folded": ("resident self-organisations folded", "解散居民自组织数"),
    "oc_recalls": ("owners' committees recalled by their owners", "被业主罢免的业委会数"),
}

GROUPS: dict[str, tuple[str, str]] = {
    "all": ("all residents", "全体居民"), "youth": ("youth (18-34)", "青年（18-34岁）"),
    "middle": ("middle-aged", "中年"), "elderly": ("elderly (60+)", "老年（60岁以上）"),
    "local": ("local hukou", "本地户籍"), "migrant": ("migrants", "外地户籍"),
    "owner": ("owners", "业主"), "renter": ("renters", "租户"),
    "none": ("not Party members", "非党员"), "retired": ("retired Party members", "退休党员"),
    "in_service": ("in-service Party members", "在职党员"), "floating": ("floating Party members", "流动党员"),
}

TEXT: dict[str, tuple[str, str]] = {
    "report": ("Policy comparison report", "政策比较报告"),
    "setup": ("Set-up", "实验设置"),
    "neighbourhood": ("Neighbourhood", "社区类型"),
    "governance": ("Governance model", "治理模式"),
    "horizon": ("Horizon", "模拟时长"),
    "weeks_after_burn_in": ("{w} weeks after a {b}-week burn-in; policies start at week {s}",
                            "预热 {b} 周后模拟 {w} 周；政策自第 {s} 周起实施"),
    "replicates": ("Replicates", "重复次数"),
    "replicates_text": ("{n} paired replicates (seeds {seeds}); every scenario runs on every seed",
                        "{n} 组配对重复（随机种子 {seeds}）；每个情景使用相同的随机种子"),
    "runs": ("Runs", "运行"),
    "runs_text": ("{ok} finished, {failed} failed; {cpu} of computing in all (median {med} a run); this session "
                  "{secs} on {where}",
                  "完成 {ok} 次，失败 {failed} 次；总计算时间 {cpu}（每次中位数 {med}）；本次运行用时 {secs}（{where}）"),
    "scenarios": ("Scenarios", "情景"),
    "scenario": ("Scenario", "情景"),
    "baseline": ("baseline", "基准"),
    "policies": ("Policies and settings", "政策与设置"),
    "none": ("none", "无"),
    "key_results": ("Key results (all residents)", "主要结果（全体居民）"),
    "key_intro": ("Effect of each scenario against the baseline at the end of the horizon ({period}): mean paired "
                  "difference with its 95% interval. **Bold**: the interval excludes zero.",
                  "模拟期末（{period}）各情景相对基准的效果：配对差值的均值及其 95% 置信区间。"
                  "**加粗**：区间不含零。"),
    "period_weekly": ("weekly measures: mean of the last {w} weeks; yearly measures: the last year",
                      "周度指标取最后 {w} 周的均值，年度指标取最后一年"),
    "effects_by_group": ("Effects by group", "分群体效果"),
    "outcome": ("Outcome", "指标"),
    "group": ("Group", "群体"),
    "base_value": ("Baseline", "基准值"),
    "scen_value": ("Scenario", "情景值"),
    "effect": ("Effect [95% CI]", "效果 [95% 置信区间]"),
    "relative": ("Relative", "相对变化"),
    "pairs": ("Pairs", "配对数"),
    "empty_groups": ("No residents of this kind in the community on any seed (n = 0), so nothing to compare: "
                     "{groups}.", "本社区在各随机种子下均无此类居民（n = 0），无从比较：{groups}。"),
    "not_measured": ("No run has a value for this measure, so there is nothing to compare.",
                     "所有运行均无此项数值，无从比较。"),
    "not_measured_any": ("No run has a value for the chosen measures, so there is nothing to compare.",
                         "所有运行均无所选测量的数值，无从比较。"),
    "not_measured_firm": ("Not measured: no property firm serves this community, so there is no trust in one to "
                          "compare.", "未测量：本社区没有物业公司，无从比较对物业的信任。"),
    "higher": ("Seeds higher", "升高的种子比例"),
    "figures": ("Figures", "图表"),
    "fig_time": ("Outcomes over time ({group}): median (line) and 10-90% band over replicates",
                 "指标随时间变化（{group}）：各重复的中位数（线）与 10%-90% 区间（阴影）"),
    "fig_diff": ("Paired difference from the baseline over time (all residents): median and 10-90% band",
                 "相对基准的配对差值随时间变化（全体居民）：中位数与 10%-90% 区间"),
    "fig_effects": ("Effects at the end of the horizon with 95% intervals, by group",
                    "期末效果及 95% 置信区间（分群体）"),
    "week": ("week", "周"),
    "difference": ("difference from baseline", "与基准之差"),
    "method": ("Method", "方法说明"),
    "method_text": (
        "Each replicate seed is shared by all scenarios (common random numbers: each random decision has its own "
        "stream, so a policy does not reshuffle the baseline's luck). The effect of a scenario is the mean over "
        "seeds of its difference from the baseline on the same seed; the 95% interval is t-based over the paired "
        "differences. Shares are in %, their effects in percentage points (pp). A seed where a run failed is left "
        "out of the pairs (see the Pairs column).",
        "每个随机种子在所有情景中共用（共同随机数：每类随机决策有独立的随机数流，政策不会改变基准情景的随机抽样）。"
        "情景效果为同一种子下该情景与基准之差在各种子上的均值，95% 置信区间基于配对差值的 t 分布。"
        "比例以 % 表示，其效果以百分点（pp）表示。若某种子的运行失败，该种子不计入配对（见“配对数”列）。"),
    "reproduce": ("Reproduce", "复现方法"),
    "failed_runs": ("Failed runs", "失败的运行"),
    "versions": ("Versions", "软件版本"),
    "config_hashes": ("Config hashes", "配置哈希"),
    "identical": ("identical on every seed", "各种子结果完全相同"),
    "generated": ("Generated by cgsim {v} on {date}.", "由 cgsim {v} 于 {date} 生成。"),
    "tables_csv": ("All numbers: `effects.csv` (effects), `summary.csv` (per-run values).",
                   "全部数据：`effects.csv`（效果）、`summary.csv`（各次运行的指标值）。"),
}


def t(key: str, lang: str = "en", **fmt) -> str:
    pair = TEXT.get(key)
    text = key if pair is None else pair[1 if lang == "zh" else 0]
    return text.format(**fmt) if fmt else text


def pool_text(label: str, lang: str = "en") -> str:
    """Where the runs executed (``Pool.label`` of ``cgsim.experiment.executors``), in the report's language."""
    import re

    if lang != "zh" or not label:
        return label
    if label == "this process":
        return "本进程"
    m = re.fullmatch(r"(\d+) local processes", label)
    if m:
        return f"{m.group(1)} 个本地进程"
    m = re.fullmatch(r"dask (\S+) \((\d+) threads\)", label)
    if m:
        return f"Dask 集群 {m.group(1)}（{m.group(2)} 个线程）"
    return label


def outcome_label(name: str, lang: str = "en") -> str:
    table, col = split_outcome(name)
    pair = OUTCOMES.get(col, (col.replace("_", " "), col))
    text = pair[1 if lang == "zh" else 0]
    if table == "yearly" and col in ("trust_strangers", "trust_neighbours", "trust_committee", "trust_firm",
                                     "efficacy", "satisfaction", "sees_rc_as_government", "stage_active", "issues_open",
                                     "disputes_open", "capacity", "public_good"):
        text += "（年末）" if lang == "zh" else " (year end)"
    elif table == "yearly" and col in ("issues_resolved", "petitions", "cost_yuan", "voices_answered",
                                       "voices_ignored", "rc_admin_share"):
        text += "（全年）" if lang == "zh" else " (in the year)"
    return text


def group_label(name: str, lang: str = "en") -> str:
    pair = GROUPS.get(name, (name, name))
    return pair[1 if lang == "zh" else 0]


def is_share(name: str) -> bool:
    """A share of residents (0-1): shown in %, effects in percentage points."""
    _, col = split_outcome(name)
    doc = COLUMN_DOCS.get(col, "")
    return doc.startswith("Share") or doc.startswith("Among") or col in ("rc_admin_share", "shallow_share",
                                                                         "activist_concentration")
