import { amsterdamWallClock } from '../dates'
import { label, message, notFound, refusal } from '../errors'
import { text } from '../entry-lines'
import type { WebhookSubscription } from '../webhooks/subscription'
import { TOPICS } from '../webhooks/topics'
import type { ResourceContext, ResourceDef, Row } from './types'

function row(sub: WebhookSubscription, ctx: ResourceContext): Row {
  return {
    ID: sub.ID,
    CallbackURL: sub.CallbackURL,
    ClientID: sub.ClientID,
    Created: new Date(amsterdamWallClock(sub.Created)),
    Creator: sub.Creator,
    CreatorFullName: 'Sandbox User',
    Description: sub.Description,
    Division: sub.Division,
    IsInstant: sub.IsInstant,
    Topic: sub.Topic,
    UserID: sub.UserID,
    __seq: ctx.state.ids.seqOf(sub.ID),
  }
}

/** https only in real Exact (pionect.nl "webhooks will only work with SSL"); http too when webhookAllowHttp. */
function validUrl(value: string, allowHttp: boolean): boolean {
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || (allowHttp && url.protocol === 'http:')
  } catch {
    return false
  }
}

/** The grant's app sees only its own subscriptions [U]. */
function own(ctx: ResourceContext): WebhookSubscription[] {
  return [...ctx.division.webhookSubscriptions.values()].filter((s) => s.ClientID === ctx.grant.clientId)
}

/**
 * `webhooks/WebhookSubscriptions`: GET, POST, DELETE. Exact's reference lists PUT, but "You're not allowed
 * to Update() a webhook ... The Exact Online API won't let you" (dotnet PR #63); the sandbox answers 405 [U
 * for the status]. A second subscription to a topic by the same app in the division gets 500 "Gegeven
 * bestaat reeds." (picqer #150, subscribing a topic again with a new URL). The validation POST follows.
 */
export const webhookSubscriptions: ResourceDef = {
  path: 'webhooks/WebhookSubscriptions',
  type: 'WebhookSubscription',
  key: 'ID',
  keyKind: 'guid',
  kind: 'crud',
  order: 'seq',
  fields: [
    'ID',
    'CallbackURL',
    'ClientID',
    'Created',
    'Creator',
    'CreatorFullName',
    'Description',
    'Division',
    'IsInstant',
    'Topic',
    'UserID',
  ],
  list: (ctx) => own(ctx).map((sub) => row(sub, ctx)),
  create: (ctx, body) => {
    const { lang, division, grant, state } = ctx
    const errors: string[] = []
    const topic = text(body.Topic)?.trim() ?? ''
    const callbackUrl = text(body.CallbackURL)?.trim() ?? ''
    if (!topic) errors.push(message(lang, 'mandatory', label(lang, 'topic')))
    else if (!TOPICS.includes(topic)) errors.push(message(lang, 'invalid', label(lang, 'topic')))
    if (!callbackUrl) errors.push(message(lang, 'mandatory', label(lang, 'callbackUrl')))
    else if (!validUrl(callbackUrl, state.config.webhooks.allowHttp))
      errors.push(message(lang, 'invalid', label(lang, 'callbackUrl')))
    // IsInstant is for GoodsDeliveries only (exact-online.md §6); the refusal's text is invented [U].
    const isInstant = body.IsInstant === true || body.IsInstant === 'true'
    if (isInstant && topic !== 'GoodsDeliveries') errors.push(message(lang, 'invalid', label(lang, 'isInstant')))
    if (errors.length) throw refusal(errors)
    if (own(ctx).some((s) => s.Topic === topic)) throw refusal([message(lang, 'alreadyExists')])
    const sub: WebhookSubscription = {
      ID: state.ids.next(),
      CallbackURL: callbackUrl,
      Topic: topic,
      ClientID: grant.clientId,
      Description: `Sandbox app ${grant.clientId}`,
      UserID: division.userId,
      Division: division.id,
      Created: ctx.now,
      Creator: division.userId,
      IsInstant: isInstant,
      baseUrl: ctx.baseUrl,
      state: 'pending',
      validation: null,
    }
    division.webhookSubscriptions.set(sub.ID, sub)
    state.webhooks.scheduleValidation(sub)
    return row(sub, ctx)
  },
  remove: (ctx, key) => {
    const sub = own(ctx).find((s) => s.ID === key.toLowerCase())
    if (!sub) throw notFound()
    ctx.division.webhookSubscriptions.delete(sub.ID)
  },
}
