// Everything inside the resource group (main.bicep creates it): four Functions apps (one module,
// used four times) on one Elastic Premium plan, each running from <Service>.zip in the storage
// account's private app-packages container, fetched with the user-assigned identity (no Azure Files,
// no shared keys); Log Analytics + Application Insights (Entra ID authentication only); Key Vault
// holding the connection strings and Supabase settings that the apps reference; roles; diagnostics.

@minLength(1)
@maxLength(64)
param environmentName string

param location string
param tags object

@allowed(['EP1', 'EP2', 'EP3'])
param planSku string

@minValue(1)
@maxValue(20)
param alwaysReadyInstances int

@minValue(1)
@maxValue(20)
param maximumElasticWorkerCount int

param corsAllowedOrigins string
param supabaseUrl string

@secure()
param supabaseJwtSecret string

param databaseRootCertificate string

@secure()
param donationDbConnection string

@secure()
param requestDbConnection string

@secure()
param campaignDbConnection string

@secure()
param messagingDbConnection string

@secure()
param stripeSecretKey string

@secure()
param stripeWebhookSecret string

param checkoutSuccessUrl string
param checkoutCancelUrl string

param searchTextConfiguration string

@secure()
param rabbitMqDonationConnection string

@secure()
param rabbitMqRequestConnection string

@secure()
param rabbitMqCampaignConnection string

@secure()
param rabbitMqMessagingConnection string

param principalId string
param principalType string
param keyVaultSeed string

@minValue(30)
@maxValue(730)
param logRetentionInDays int

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var allowedOrigins = empty(corsAllowedOrigins) ? [] : map(split(corsAllowedOrigins, ','), origin => trim(origin))

// One user-assigned identity per app (issue 18): each reads only its own Key Vault secrets.
// The order is the apps' everywhere: donation, request, campaign, messaging.
var appKeys = ['donation', 'request', 'campaign', 'messaging']

resource identities 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = [for app in appKeys: {
  name: '${abbrs.managedIdentity}${app}-${resourceToken}'
  location: location
  tags: tags
}]

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: tags
    logAnalyticsName: '${abbrs.logAnalyticsWorkspace}${resourceToken}'
    appInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    retentionInDays: logRetentionInDays
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    tags: tags
    name: '${abbrs.storageAccount}${resourceToken}'
    workspaceId: monitoring.outputs.workspaceId
  }
}

module media 'modules/media-storage.bicep' = {
  name: 'media-storage'
  params: {
    location: location
    tags: tags
    name: '${abbrs.storageAccount}media${take(resourceToken, 15)}'
    allowedOrigins: allowedOrigins
    principalIds: [for i in range(0, length(appKeys)): identities[i].properties.principalId]
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    tags: tags
    // A vault name is reserved while the vault sits soft-deleted (purge protection: for the whole
    // retention), so the seed, renewed by the postdown hook, gives the next `azd up` a new name.
    name: '${abbrs.keyVault}${toLower(uniqueString(subscription().id, environmentName, location, keyVaultSeed))}'
    workspaceId: monitoring.outputs.workspaceId
    supabaseUrl: supabaseUrl
    supabaseJwtSecret: supabaseJwtSecret
    storeSupabaseJwtSecret: !empty(supabaseJwtSecret)
    donationDbConnection: donationDbConnection
    requestDbConnection: requestDbConnection
    campaignDbConnection: campaignDbConnection
    messagingDbConnection: messagingDbConnection
    rabbitMqDonationConnection: rabbitMqDonationConnection
    rabbitMqRequestConnection: rabbitMqRequestConnection
    rabbitMqCampaignConnection: rabbitMqCampaignConnection
    rabbitMqMessagingConnection: rabbitMqMessagingConnection
    stripeSecretKey: stripeSecretKey
    stripeWebhookSecret: stripeWebhookSecret
    storeStripeSecrets: !empty(stripeSecretKey) && !empty(stripeWebhookSecret)
  }
}

// Least privilege for each app's identity: host storage data roles on the storage account only,
// reading its own secrets of this vault only (per-secret role assignments), publishing telemetry to
// this Application Insights only.
module appRoles 'modules/app-roles.bicep' = [for (app, i) in appKeys: {
  name: 'app-roles-${app}'
  params: {
    principalId: identities[i].properties.principalId
    storageAccountName: storage.outputs.name
    keyVaultName: vault.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
    secretNames: vault.outputs.secretsOf[app]
  }
}]

// For the developer (or CI principal) running azd: uploading packages, managing the vault's secrets.
module roles 'modules/role-assignments.bicep' = {
  name: 'role-assignments'
  params: {
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
    storageAccountName: storage.outputs.name
    keyVaultName: vault.outputs.name
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${abbrs.appServicePlan}${resourceToken}'
  location: location
  tags: tags
  kind: 'elastic'
  sku: {
    name: planSku
    tier: 'ElasticPremium'
  }
  properties: {
    reserved: true // Linux
    maximumElasticWorkerCount: maximumElasticWorkerCount
  }
}

// What every app gets besides its own database connection; values are Key Vault references.
var commonSettings = {
  SUPABASE_URL: vault.outputs.references.supabaseUrl
  SUPABASE_JWT_SECRET: vault.outputs.references.supabaseJwtSecret
  CORS_ALLOWED_ORIGINS: join(allowedOrigins, ',')
  BlobStorageUrl: media.outputs.blobEndpoint // managed identity + user delegation SAS; no key
  Database__RootCertificate: databaseRootCertificate // public: a CA certificate, not a secret
}

var shared = {
  location: location
  tags: tags
  planId: plan.id
  alwaysReadyInstances: alwaysReadyInstances
  storageAccountName: storage.outputs.name
  appInsightsName: monitoring.outputs.appInsightsName
  workspaceId: monitoring.outputs.workspaceId
  allowedOrigins: allowedOrigins
  packageContainerUrl: storage.outputs.packageContainerUrl
}

module donationService 'modules/function-app.bicep' = {
  name: 'donation-service'
  params: {
    name: '${abbrs.functionApp}donation-${resourceToken}'
    serviceName: 'donation-service'
    packageName: 'DonationService'
    shared: shared
    identityId: identities[0].id
    identityClientId: identities[0].properties.clientId
    appSettings: union(commonSettings, {
      RabbitMQConnection: vault.outputs.references.rabbitMqDonationConnection // its own broker user
      DonationDbConnection: vault.outputs.references.donationDbConnection
      Search__TextConfiguration: searchTextConfiguration
    })
  }
  dependsOn: [appRoles, roles]
}

module requestService 'modules/function-app.bicep' = {
  name: 'request-service'
  params: {
    name: '${abbrs.functionApp}request-${resourceToken}'
    serviceName: 'request-service'
    packageName: 'RequestService'
    shared: shared
    identityId: identities[1].id
    identityClientId: identities[1].properties.clientId
    appSettings: union(commonSettings, {
      RabbitMQConnection: vault.outputs.references.rabbitMqRequestConnection // its own broker user
      RequestDbConnection: vault.outputs.references.requestDbConnection
      DonationServiceUrl: donationService.outputs.uri
    })
  }
  dependsOn: [appRoles, roles]
}

module campaignService 'modules/function-app.bicep' = {
  name: 'campaign-service'
  params: {
    name: '${abbrs.functionApp}campaign-${resourceToken}'
    serviceName: 'campaign-service'
    packageName: 'CampaignService'
    shared: shared
    identityId: identities[2].id
    identityClientId: identities[2].properties.clientId
    appSettings: union(commonSettings, {
      RabbitMQConnection: vault.outputs.references.rabbitMqCampaignConnection // its own broker user
      CampaignDbConnection: vault.outputs.references.campaignDbConnection
      Search__TextConfiguration: searchTextConfiguration
      // Real payments: Stripe Checkout (the development provider is refused outside development).
      Payments__Provider: 'stripe'
      Payments__Stripe__SecretKey: vault.outputs.references.stripeSecretKey
      Payments__Stripe__WebhookSecret: vault.outputs.references.stripeWebhookSecret
      Payments__SuccessUrl: checkoutSuccessUrl
      Payments__CancelUrl: checkoutCancelUrl
    })
  }
  dependsOn: [appRoles, roles]
}

module messagingService 'modules/function-app.bicep' = {
  name: 'messaging-service'
  params: {
    name: '${abbrs.functionApp}messaging-${resourceToken}'
    serviceName: 'messaging-service'
    packageName: 'MessagingService'
    shared: shared
    identityId: identities[3].id
    identityClientId: identities[3].properties.clientId
    appSettings: union(commonSettings, {
      RabbitMQConnection: vault.outputs.references.rabbitMqMessagingConnection // its own broker user
      MessagingDbConnection: vault.outputs.references.messagingDbConnection
    })
  }
  dependsOn: [appRoles, roles]
}

output keyVaultName string = vault.outputs.name
output keyVaultEndpoint string = vault.outputs.endpoint
output storageAccountName string = storage.outputs.name
output mediaStorageAccountName string = media.outputs.name
output packageContainerName string = storage.outputs.packageContainerName
output identityClientIds string[] = [for i in range(0, length(appKeys)): identities[i].properties.clientId]
output appInsightsName string = monitoring.outputs.appInsightsName

@description('The four apps in azure.yaml order: donation, request, campaign, messaging.')
output apps { name: string, uri: string }[] = [
  { name: donationService.outputs.name, uri: donationService.outputs.uri }
  { name: requestService.outputs.name, uri: requestService.outputs.uri }
  { name: campaignService.outputs.name, uri: campaignService.outputs.uri }
  { name: messagingService.outputs.name, uri: messagingService.outputs.uri }
]
