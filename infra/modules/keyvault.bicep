// Key Vault (RBAC authorisation) with the secrets the apps reference from their app settings as
// @Microsoft.KeyVault(SecretUri=...). Secret URIs are versionless: a new version is picked up
// without redeploying (App Service refreshes references within 24 hours, or on restart).

param location string
param tags object

@minLength(3)
@maxLength(24)
param name string

@description('Log Analytics workspace receiving the vault\'s audit logs and metrics.')
param workspaceId string

param supabaseUrl string

@secure()
@description('Empty: no secret is stored (Key Vault refuses empty values) and the app setting stays empty.')
param supabaseJwtSecret string

@description('Whether supabaseJwtSecret is set (passed separately so that no output depends on the secret).')
param storeSupabaseJwtSecret bool

@secure()
param donationDbConnection string

@secure()
param requestDbConnection string

@secure()
param campaignDbConnection string

@secure()
param messagingDbConnection string

@secure()
param rabbitMqDonationConnection string

@secure()
param rabbitMqRequestConnection string

@secure()
param rabbitMqCampaignConnection string

@secure()
param rabbitMqMessagingConnection string

@secure()
@description('campaign-service\'s Stripe secret API key.')
param stripeSecretKey string

@secure()
@description('campaign-service\'s Stripe webhook signing secret.')
param stripeWebhookSecret string

@description('Whether both Stripe secrets are set; without them no secret is stored, the app settings stay empty and contributions answer 503.')
param storeStripeSecrets bool

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    // A deleted vault (and its secrets) stays recoverable for the 7 days; nobody can purge it earlier.
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
  properties: {
    workspaceId: workspaceId
    logs: [{ categoryGroup: 'audit', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

resource donationDb 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'donation-db-connection'
  properties: {
    value: donationDbConnection
  }
}

resource requestDb 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'request-db-connection'
  properties: {
    value: requestDbConnection
  }
}

resource campaignDb 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'campaign-db-connection'
  properties: {
    value: campaignDbConnection
  }
}

resource messagingDb 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'messaging-db-connection'
  properties: {
    value: messagingDbConnection
  }
}

// One broker credential per service: each app's identity may read its own only.
resource rabbitMqDonation 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'rabbitmq-donation-connection'
  properties: {
    value: rabbitMqDonationConnection
  }
}

resource rabbitMqRequest 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'rabbitmq-request-connection'
  properties: {
    value: rabbitMqRequestConnection
  }
}

resource rabbitMqCampaign 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'rabbitmq-campaign-connection'
  properties: {
    value: rabbitMqCampaignConnection
  }
}

resource rabbitMqMessaging 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'rabbitmq-messaging-connection'
  properties: {
    value: rabbitMqMessagingConnection
  }
}

resource supabaseUrlSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'supabase-url'
  properties: {
    value: supabaseUrl
  }
}

// Without a legacy secret the app setting stays empty: the apps accept only JWKS-signed tokens.
resource supabaseJwt 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (storeSupabaseJwtSecret) {
  parent: vault
  name: 'supabase-jwt-secret'
  properties: {
    value: supabaseJwtSecret
  }
}

resource stripeKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (storeStripeSecrets) {
  parent: vault
  name: 'stripe-secret-key'
  properties: {
    value: stripeSecretKey
  }
}

resource stripeWebhook 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (storeStripeSecrets) {
  parent: vault
  name: 'stripe-webhook-secret'
  properties: {
    value: stripeWebhookSecret
  }
}

func keyVaultReference(secretUri string) string => '@Microsoft.KeyVault(SecretUri=${secretUri})'

output name string = vault.name
output endpoint string = vault.properties.vaultUri

@description('The secrets each app reads (its identity gets Key Vault Secrets User on these only): names, not values.')
output secretsOf object = {
  donation: concat([donationDb.name, rabbitMqDonation.name, supabaseUrlSecret.name], storeSupabaseJwtSecret ? ['supabase-jwt-secret'] : [])
  request: concat([requestDb.name, rabbitMqRequest.name, supabaseUrlSecret.name], storeSupabaseJwtSecret ? ['supabase-jwt-secret'] : [])
  campaign: concat([campaignDb.name, rabbitMqCampaign.name, supabaseUrlSecret.name], storeSupabaseJwtSecret ? ['supabase-jwt-secret'] : [], storeStripeSecrets ? ['stripe-secret-key', 'stripe-webhook-secret'] : [])
  messaging: concat([messagingDb.name, rabbitMqMessaging.name, supabaseUrlSecret.name], storeSupabaseJwtSecret ? ['supabase-jwt-secret'] : [])
}

@description('App setting values: Key Vault references to each secret.')
output references object = {
  donationDbConnection: keyVaultReference(donationDb.properties.secretUri)
  requestDbConnection: keyVaultReference(requestDb.properties.secretUri)
  campaignDbConnection: keyVaultReference(campaignDb.properties.secretUri)
  messagingDbConnection: keyVaultReference(messagingDb.properties.secretUri)
  rabbitMqDonationConnection: keyVaultReference(rabbitMqDonation.properties.secretUri)
  rabbitMqRequestConnection: keyVaultReference(rabbitMqRequest.properties.secretUri)
  rabbitMqCampaignConnection: keyVaultReference(rabbitMqCampaign.properties.secretUri)
  rabbitMqMessagingConnection: keyVaultReference(rabbitMqMessaging.properties.secretUri)
  supabaseUrl: keyVaultReference(supabaseUrlSecret.properties.secretUri)
  supabaseJwtSecret: storeSupabaseJwtSecret ? keyVaultReference(supabaseJwt!.properties.secretUri) : ''
  stripeSecretKey: storeStripeSecrets ? keyVaultReference(stripeKey!.properties.secretUri) : ''
  stripeWebhookSecret: storeStripeSecrets ? keyVaultReference(stripeWebhook!.properties.secretUri) : ''
}
