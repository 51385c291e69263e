"""Labels of the browser view in English and Chinese, and a CJK font for the figures.

``t(key, lang)`` looks a label up (falling back to English, then to the key);
policies take their Chinese name from the registry (``aliases[0]``), so new
policies are labelled without editing this file.
"""

from __future__ import annotations

import logging
import re

LANGS = ("en", "zh")

_L: dict[str, tuple[str, str]] = {
    # page and view controls
    "title": ("cgsim · community view", "cgsim · 社区视图"),
    "language": ("Language", "语言"),
    "colour_by": ("Colour residents by", "居民着色"),
    "estate": ("Estate", "小区"),
    "all_estates": ("whole community", "整个社区"),
    "estate_n": ("estate {n}", "{n}号小区"),
    "baseline": ("Baseline (no policy)", "基线（无政策）"),
    "variant": ("With policies", "政策情景"),
    "policies_on": ("Policies", "政策"),
    "no_policy": ("no policy", "无政策"),
    "week": ("week", "周"),
    "week_n": ("week {n}", "第 {n} 周"),
    "status": ("week {week} · step {step} ms · redraw {draw} ms",
               "第 {week} 周 · 运行 {step} ms · 绘图 {draw} ms"),
    "apply_hint": ("Changes to these settings take effect on Reset.", "修改设置后点击 Reset 生效。"),
    "by_group_of": ("Groups by", "分组"),
    "font_missing": ("No CJK font found: figure labels stay in English (install fonts-wqy-microhei or "
                     "fonts-noto-cjk).",
                     "未找到中文字体：图中文字仍为英文（请安装 fonts-wqy-microhei 或 fonts-noto-cjk）。"),
    # model controls
    "preset": ("Neighbourhood", "社区类型"),
    "governance": ("Governance model", "治理模式"),
    "none": ("none", "无"),
    "seed": ("Seed", "随机种子"),
    "compare": ("Side by side: baseline vs policies", "并排对比：基线与政策"),
    "start_week": ("start week", "起始周"),
    "policy_on": ("{name}: on", "{name}：启用"),
    # colour modes
    "channel": ("participation channel (last 13 weeks)", "参与渠道（近13周）"),
    "trust_gen": ("trust in neighbours", "邻里信任"),
    "trust_rc": ("trust in the committee", "对居委会的信任"),
    "stage": ("participation ladder", "参与阶梯"),
    "m_channel": ("channel", "参与渠道"),
    "m_trust_gen": ("neighbour trust", "邻里信任"),
    "m_trust_rc": ("committee trust", "居委会信任"),
    "m_stage": ("ladder", "参与阶梯"),
    # channels and ladder
    "ch_none": ("none", "未参与"),
    "activity": ("activity / service", "活动/服务"),
    "voice": ("voice", "建言/投诉"),
    "deliberation": ("deliberation", "协商议事"),
    "coproduction": ("co-production", "共建（出钱出力）"),
    "this_week": ("ringed: took part this week", "黑圈：本周参与"),
    "wait_and_see": ("wait and see", "观望"),
    "attentive": ("attentive", "关注"),
    "active": ("active", "主动参与"),
    # capacity stages
    "dependent": ("dependent", "索取依赖"),
    "learning": ("learning", "学习进步"),
    "mature": ("mature", "成熟独立"),
    # groups
    "age": ("age", "年龄"), "hukou": ("hukou", "户籍"), "tenure": ("tenure", "产权"),
    "party": ("Party", "党员"),
    "youth": ("youth", "青年"), "middle": ("middle-aged", "中年"), "elderly": ("elderly", "老年"),
    "local": ("local", "本地户籍"), "migrant": ("migrant", "外地户籍"),
    "owner": ("owner", "业主"), "renter": ("renter", "租户"),
    "party_none": ("not a member", "非党员"), "retired": ("retired member", "退休党员"),
    "in_service": ("in-service member", "在职党员"), "floating": ("floating member", "流动党员"),
    # charts
    "chart_channels": ("Participation by channel (4-week mean)", "各渠道参与率（4周平均）"),
    "chart_groups": ("Participation by {dim} (any channel, 4-week mean)",
                     "分{dim}参与率（任一渠道，4周平均）"),
    "chart_trust": ("Trust (mean, 0-1)", "信任（均值，0-1）"),
    "chart_issues": ("Neighbourhood issues", "社区问题"),
    "chart_petitions": ("Petitions (cumulative)", "上访（累计）"),
    "chart_capacity": ("Self-governance capacity C", "自治能力 C"),
    "trust_neighbours": ("neighbours", "邻里"),
    "trust_committee": ("committee", "居委会"),
    "trust_firm": ("property firm", "物业公司"),
    "issues_open": ("open", "未解决"),
    "issues_resolved": ("resolved per week (4-week mean)", "每周解决（4周平均）"),
    "petitions": ("petitions", "上访"),
    "capacity": ("C", "C"),
    "dashed_baseline": ("dashed: baseline", "虚线：基线"),
    # institutions (Mesa agent classes)
    "StreetOffice": ("street office", "街道办"),
    "ResidentsCommittee": ("residents' committee", "居委会"),
    "PartyOrganisation": ("Party organisation", "党组织"),
    "PropertyFirm": ("property firm", "物业公司"),
    "OwnersCommittee": ("owners' committee (filled: formed; black rim: with a supervisory committee)",
                        "业委会（实心：已成立；黑边：设监委会）"),
    "NGO": ("NGO", "社会组织"),
    "GridWorkers": ("grid workers", "网格员"),
    "ServiceStation": ("service station", "服务站"),
    "ResidentGroup": ("resident group (自组织)", "居民自组织"),
    # readout table
    "difference": ("difference", "差异"),
    "r_rate_any": ("took part this week", "本周参与率"),
    "r_trust_neighbours": ("trust in neighbours", "邻里信任"),
    "r_trust_committee": ("trust in the committee", "对居委会的信任"),
    "r_issues_open": ("open issues", "未解决问题"),
    "r_petitions": ("petitions so far", "累计上访"),
    "r_rc_admin_share": ("committee time on admin", "居委会行政事务占比"),
    "r_capacity": ("capacity C", "自治能力 C"),
    "policies_card": ("Policies", "政策"),
    # presets and policy parameters
    "mianyang_2019": ("Mianyang 2019", "绵阳 2019"),
    "karamay_2016": ("Karamay 2016", "克拉玛依 2016"),
    "share": ("share", "移交比例"),
    "leakage": ("leakage", "回流比例"),
    "committees_per_station": ("committees per station", "每站服务居委会数"),
    "efficiency": ("efficiency", "效率"),
}


def t(key: str, lang: str = "en", **fmt) -> str:
    """The label for ``key`` in ``lang`` (English when there is no Chinese one; the key when unknown)."""
    pair = _L.get(key)
    if pair is None:
        text = key.replace("_", " ")
    else:
        text = pair[1] if lang == "zh" and pair[1] else pair[0]
    return text.format(**fmt) if fmt else text


def policy_name(cls, lang: str = "en") -> str:
    """A policy's short name: its Chinese alias, or its id in words."""
    if lang == "zh" and cls.aliases:
        return cls.aliases[0]
    return cls.id.replace("_", " ")


def policy_label(cls, lang: str = "en") -> str:
    """A policy's name in both languages, the page's language first."""
    en, zh = cls.id.replace("_", " "), (cls.aliases[0] if cls.aliases else "")
    if not zh:
        return en
    return f"{zh} · {en}" if lang == "zh" else f"{en} · {zh}"


# ---- a CJK font for matplotlib ---------------------------------------------
_CJK_FILES = re.compile(r"(wqy|NotoSansCJK|NotoSerifCJK|NotoSansSC|SourceHan|DroidSansFallback|simhei|msyh|"
                        r"PingFang|uming|ukai|SimSun|arphic)", re.I)
_cjk: list[str | None] = []


def cjk_font() -> str | None:
    """Family name of a CJK font matplotlib can use (registering system fonts it has not cached), or None."""
    if _cjk:
        return _cjk[0]
    from matplotlib import font_manager as fm

    name = None
    for f in fm.fontManager.ttflist:
        if _CJK_FILES.search(f.fname):
            name = f.name
            break
    if name is None:
        for path in fm.findSystemFonts():
            if _CJK_FILES.search(path):
                try:
                    fm.fontManager.addfont(path)
                    name = fm.FontProperties(fname=path).get_name()
                    break
                except Exception:  # an unreadable font file: try the next
                    continue
    if name is None:
        logging.getLogger(__name__).warning(t("font_missing"))
    _cjk.append(name)
    return name


def figure_lang(lang: str) -> str:
    """The language figures can be labelled in: Chinese only when a CJK font exists."""
    return "zh" if lang == "zh" and cjk_font() else "en"
