"""`{% reapertura_del_panel as r %}`: the reopening section of the sign-off panel.

The panel's view stays untouched: the section computes its data from the panel's context
(`firma`, `programa`, `unidad`, `trimestre` and the request's user).
"""

from django import template

from avances.selectors_reapertura import seccion_del_panel

register = template.Library()


@register.simple_tag(takes_context=True)
def reapertura_del_panel(context):
    return seccion_del_panel(
        context["request"].user,
        firma=context.get("firma"),
        programa=context["programa"],
        unidad=context["unidad"],
        trimestre=context["trimestre"],
    )
