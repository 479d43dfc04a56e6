"""A user's API token: see it, create it or replace it (web page and `token_api` command)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token


@transaction.atomic
def token_renovar(*, usuario) -> Token:
    """Replace the user's token with a new one (the old one stops working at once)."""
    Token.objects.filter(user=usuario).delete()
    return Token.objects.create(user=usuario)


@transaction.atomic
def token_obtener(*, usuario) -> tuple[Token, bool]:
    """The user's token, created if missing; (token, created)."""
    return Token.objects.get_or_create(user=usuario)


@login_required
@require_http_methods(["GET", "POST"])
def token_pagina(request):
    if request.method == "POST":
        token = token_renovar(usuario=request.user)
        messages.success(
            request, "Se generó un token nuevo; el anterior, si existía, dejó de funcionar."
        )
        return redirect("api:token")
    token = Token.objects.filter(user=request.user).first()
    return render(request, "publico/token.html", {"token": token})
