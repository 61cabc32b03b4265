"""Example PLO messages (for trying the intake and for tests): a KITH MsgHead with the
patient and sender, and one logistics message in it, with the fields ``plo.parse`` reads.
Not a replacement for the official schemas, which this project does not have."""

from __future__ import annotations

import datetime as dt
import uuid
from xml.sax.saxutils import escape

from . import plo

MSGHEAD = "http://www.kith.no/xmlstds/msghead/2006-05-24"
PO = "http://www.kith.no/xmlstds/po/Pasientlogistikk/2009-06-30"
KINDS = {"innlagt": plo.ADMITTED, "utskrivningsklar": plo.READY,
         "avmeldt": plo.READY_CANCELLED, "utskrevet": plo.DISCHARGED, "dod": plo.DEATH,
         "soknad": plo.APPLICATION}


def message(id_number: str, kind: str, when: dt.datetime, *, hospital: str = "Sykehuset",
            her_id: str = "8100000", department: str = "Medisinsk avdeling",
            destination: str = "hjem", msg_id: str | None = None, text: str = "",
            needs: tuple[str, ...] = ()) -> bytes:
    """One message of ``kind`` (an element name in plo.MESSAGE_TYPES) as bytes."""
    fields = {plo.ADMITTED: f"<Innleggelsesdato>{when.isoformat()}</Innleggelsesdato>",
              plo.READY: f"<UtskrivningsklarDato>{when.date().isoformat()}"
                         f"</UtskrivningsklarDato>",
              plo.READY_CANCELLED: "",
              plo.DISCHARGED: f"<Utskrivningsdato>{when.isoformat()}</Utskrivningsdato>"
                              f"<UtskrevetTil>{escape(destination)}</UtskrevetTil>",
              plo.DEATH: f"<Dodsdato>{when.date().isoformat()}</Dodsdato>",
              plo.APPLICATION: f"<OpplysningerTilSoknad>{escape(text)}</OpplysningerTilSoknad>"
                               + "".join(f"<TjenesteBehov>{escape(n)}</TjenesteBehov>"
                                         for n in needs)}[kind]
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<MsgHead xmlns="{MSGHEAD}">
  <MsgInfo>
    <Type V="PLO" DN="Pleie- og omsorgsmelding"/>
    <MIGversion>v1.2 2006-05-24</MIGversion>
    <GenDate>{when.replace(microsecond=0).isoformat()}</GenDate>
    <MsgId>{msg_id or uuid.uuid4()}</MsgId>
    <Sender><Organisation><OrganisationName>{escape(hospital)}</OrganisationName>
      <Ident><Id>{her_id}</Id><TypeId V="HER" DN="HER-id"/></Ident></Organisation></Sender>
    <Patient><Ident><Id>{id_number}</Id><TypeId V="FNR" DN="Fødselsnummer"/></Ident></Patient>
  </MsgInfo>
  <Document><RefDoc><Content>
    <{kind} xmlns="{PO}"><Avdeling>{escape(department)}</Avdeling>{fields}</{kind}>
  </Content></RefDoc></Document>
</MsgHead>
""".encode()
